// What the kubelet reports about its machine: nodeInfo and capacity. Several hubspoke kubelets may share one
// host, so machine, system and boot IDs are derived per node name from the host's own IDs.
import { createHash } from 'node:crypto';
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { goArch } from '@hubspoke/client';

/** The version this kubelet reports, the Kubernetes release whose wire behaviour it follows. */
export const KUBELET_VERSION = 'v1.32.0';

/** `containerRuntimeVersion` of the toy runtime. */
export const CONTAINER_RUNTIME_VERSION = 'hubspoke://0.1.0';

/** `v1.NodeSystemInfo`. */
export interface NodeSystemInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  operatingSystem: string;
  architecture: string;
}

/** nodeInfo for `nodeName` on this host. */
export async function readNodeSystemInfo(nodeName: string): Promise<NodeSystemInfo> {
  const hostMachineId = (await readText('/etc/machine-id')) || os.hostname();
  const hostBootId = (await readText('/proc/sys/kernel/random/boot_id')) || String(Date.now() - os.uptime() * 1000);
  return {
    machineID: digest(`machine/${hostMachineId}/${nodeName}`).slice(0, 32),
    systemUUID: asUuid(digest(`system/${hostMachineId}/${nodeName}`)),
    bootID: asUuid(digest(`boot/${hostBootId}/${nodeName}`)),
    kernelVersion: os.release(),
    osImage: osImageFrom(await readText('/etc/os-release')) ?? `${os.type()} ${os.release()}`,
    containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: KUBELET_VERSION,
    operatingSystem: 'linux',
    architecture: goArch(process.arch),
  };
}

/** capacity (and allocatable: hubspoke reserves nothing) as Kubernetes quantities. */
export async function readNodeCapacity(rootDir: string): Promise<Record<string, string>> {
  const capacity: Record<string, string> = {
    cpu: String(os.availableParallelism()),
    memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
    pods: '110',
  };
  try {
    const fs = await statfs(rootDir);
    capacity['ephemeral-storage'] = `${Math.floor((fs.blocks * fs.bsize) / 1024)}Ki`;
  } catch {
    // A root dir on an unusual filesystem just leaves ephemeral-storage out.
  }
  return capacity;
}

/** PRETTY_NAME from os-release text. */
export function osImageFrom(osRelease: string): string | undefined {
  const line = osRelease.split('\n').find((l) => l.startsWith('PRETTY_NAME='));
  return line?.slice('PRETTY_NAME='.length).replace(/^"(.*)"$/, '$1') || undefined;
}

async function readText(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return '';
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function asUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
