// Subject alternative names: the DNS names and IP addresses a serving certificate is valid for.
import { isIP } from 'node:net';

/** SANs split by kind, as Go's x509.Certificate keeps them. */
export interface AltNames {
  dnsNames: string[];
  ipAddresses: string[];
}

/** SAN entries in the shape selfsigned's subjectAltName extension takes (2 = DNS, 7 = IP). */
export type SelfsignedAltName = { type: 2; value: string } | { type: 7; ip: string };

/** Sorts mixed host strings (node addresses, hostnames) into DNS names and IPs, dropping duplicates. */
export function classifyHosts(hosts: readonly string[]): AltNames {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const host of hosts) {
    const bucket = isIP(host) === 0 ? dnsNames : ipAddresses;
    if (host !== '' && !bucket.includes(host)) bucket.push(host);
  }
  return { dnsNames, ipAddresses };
}

/** SAN lists as callers hand them in. */
export interface AltNamesInput {
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** Merges SAN lists, keeping first occurrences; rejects an "IP" that is not one. */
export function mergeAltNames(...parts: AltNamesInput[]): AltNames {
  const merged: AltNames = { dnsNames: [], ipAddresses: [] };
  for (const part of parts) {
    for (const dns of part.dnsNames ?? []) if (!merged.dnsNames.includes(dns)) merged.dnsNames.push(dns);
    for (const ip of part.ipAddresses ?? []) {
      if (isIP(ip) === 0) throw new Error(`invalid IP address in SANs: ${JSON.stringify(ip)}`);
      if (!merged.ipAddresses.includes(ip)) merged.ipAddresses.push(ip);
    }
  }
  return merged;
}

/** SANs as selfsigned entries: DNS names first, then IPs. */
export function selfsignedAltNames(names: AltNames): SelfsignedAltName[] {
  return [
    ...names.dnsNames.map((value) => ({ type: 2 as const, value })),
    ...names.ipAddresses.map((ip) => ({ type: 7 as const, ip })),
  ];
}

/** SANs as @peculiar/x509 JSON general names. */
export function peculiarAltNames(names: AltNames): { type: 'dns' | 'ip'; value: string }[] {
  return [
    ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...names.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
}
