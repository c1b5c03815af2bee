// Agent identifiers: the addresses and names an agent serves, as `--agent-identifiers` spells them.
import { isIP } from 'node:net';

/** What an agent said it can reach: `ipv4=1.2.3.4&ipv6=::1&host=node-1&default-route=true`. */
export interface AgentIdentifiers {
  host: string[];
  ipv4: string[];
  ipv6: string[];
  defaultRoute: boolean;
}

/** Parses the query-string form; unknown keys (e.g. cidr, which hubspoke does not route on) are ignored. */
export function parseAgentIdentifiers(text: string): AgentIdentifiers {
  const ids: AgentIdentifiers = { host: [], ipv4: [], ipv6: [], defaultRoute: false };
  for (const [key, value] of new URLSearchParams(text)) {
    if (value === '') continue;
    if (key === 'host') ids.host.push(value.toLowerCase());
    else if (key === 'ipv4') ids.ipv4.push(value);
    else if (key === 'ipv6') ids.ipv6.push(normalizeIPv6(value));
    else if (key === 'default-route') ids.defaultRoute = value === 'true';
  }
  return ids;
}

/** The query-string form of identifiers (what the agent sends). */
export function formatAgentIdentifiers(ids: AgentIdentifiers): string {
  const params = new URLSearchParams();
  for (const h of ids.host) params.append('host', h);
  for (const a of ids.ipv4) params.append('ipv4', a);
  for (const a of ids.ipv6) params.append('ipv6', a);
  if (ids.defaultRoute) params.append('default-route', 'true');
  return params.toString();
}

/** Whether a CONNECT destination host (IP or name, IPv6 possibly bracketed) is one of these identifiers. */
export function identifiesHost(ids: AgentIdentifiers, destination: string): boolean {
  const host = destination.replace(/^\[(.*)\]$/, '$1');
  switch (isIP(host)) {
    case 4:
      return ids.ipv4.includes(host);
    case 6:
      return ids.ipv6.includes(normalizeIPv6(host));
    default:
      return ids.host.includes(host.toLowerCase());
  }
}

// `::1` and `0:0::1` must compare equal; the URL parser canonicalizes IPv6 literals.
function normalizeIPv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}
