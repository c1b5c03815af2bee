// A docker-compose lab as the dashboard's snapshot source, seen from outside (there is no `hubspoke up` process to
// ask): the configuration from the compose file, .env and the certs (compose-config.ts, read again on every poll,
// so an .env edit followed by `docker compose up` shows), the live Nodes, Pods and `kubernetes` Service from the
// apiserver, and the attacker's captures from its own endpoint when one runs. What only the apiserver's process
// knows (egress byte counters, which konnectivity-agents are connected) stays out of the snapshot: unknown.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CapturesResponse } from '@hubspoke/attacker';
import type { KubeObject, KubeList } from '@hubspoke/api';
import { clientConfigFromKubeconfig, createClient, type ApiClient } from '@hubspoke/client';
import type { LabSnapshotSource } from '../lab-api.ts';
import { buildTopology, type AttackerFacts, type LabTopology } from '../topology.ts';
import { readComposeConfig, type ComposeFiles } from './compose-config.ts';

/** A compose lab: its files, and how to reach its apiserver and attacker from where the dashboard runs. */
export interface ComposeSourceOptions extends ComposeFiles {
  /** A kubeconfig with read access to nodes, pods and services (certs/admin.conf). */
  kubeconfig: string;
  /** The apiserver URL to use instead of the kubeconfig's (admin.conf names the host's published port). */
  server?: string;
  /** Where the attacker serves GET /captures (`hubspoke-attacker mitm --captures-address`); none when absent. */
  attackerUrl?: string;
  /** Deadline of each request to the apiserver and the attacker (default 3000 ms). */
  timeoutMs?: number;
}

/** GET /api/lab for a compose lab. */
export interface ComposeLabInfo {
  source: 'compose';
  /** Whether the apiserver answered just now. */
  running: boolean;
  composeFile: string;
  envFile: string;
  /** The active block of each .env group (`egress: konnectivity`, `kubelet-ca: verified`). */
  blocks: Record<string, string>;
  profiles: string[];
  server: string;
  attackerUrl?: string;
  /** Why the lab is not shown (configuration unreadable, apiserver down). */
  message?: string;
}

/** The snapshot source, plus what GET /api/lab says. */
export interface ComposeSource extends LabSnapshotSource {
  info(): Promise<ComposeLabInfo>;
  close(): void;
}

/** A source that reads the compose lab anew on every call. */
export function composeSource(options: ComposeSourceOptions): ComposeSource {
  const timeoutMs = options.timeoutMs ?? 3000;
  const files = { composeFile: resolve(options.composeFile), envFile: resolve(options.envFile), certsDir: resolve(options.certsDir) };
  let cached: { key: string; client: ApiClient } | undefined;

  /** A client for the kubeconfig as it is now (`hubspoke certs` rewrites it when compose starts the lab again). */
  async function client(): Promise<ApiClient> {
    const text = await readFile(options.kubeconfig, 'utf8');
    const key = `${text}\n${options.server ?? ''}`;
    if (cached?.key !== key) {
      cached?.client.close();
      const config = await clientConfigFromKubeconfig(text);
      cached = { key, client: createClient({ ...config, server: options.server ?? config.server, timeoutMs, userAgent: 'hubspoke-dashboard' }) };
    }
    return cached.client;
  }

  async function captures(): Promise<CapturesResponse> {
    if (!options.attackerUrl) return { refused: [], captures: [] };
    try {
      const res = await fetch(new URL('/captures', options.attackerUrl), { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) return { refused: [], captures: [] };
      return (await res.json()) as CapturesResponse;
    } catch {
      return { refused: [], captures: [] }; // not started: the attacker is a profile run on demand
    }
  }

  async function topology(): Promise<LabTopology> {
    const [config, api, attacker] = await Promise.all([readComposeConfig(files), client(), captures()]);
    let nodes: KubeList, pods: KubeList, service: KubeObject | undefined;
    try {
      [nodes, pods, service] = await Promise.all([
        api.list('/api/v1/nodes'),
        api.list('/api/v1/pods'),
        api.get('/api/v1/namespaces/default/services/kubernetes').catch(() => undefined),
      ]);
    } catch (err) {
      throw new Error(`the apiserver at ${api.server} does not answer: ${(err as Error).message}`);
    }
    const spec = (service?.spec ?? {}) as { clusterIP?: string; ports?: { port: number }[] };
    return buildTopology({
      profile: `compose (${Object.entries(config.blocks).map(([group, block]) => `${group}: ${block}`).join(', ')})`,
      apiserver: { url: api.server, ...config.apiserver },
      kubelets: config.kubelets,
      nodes: nodes.items,
      pods: pods.items,
      kubernetesService: spec.clusterIP ? `${spec.clusterIP}:${spec.ports?.[0]?.port ?? 443}` : undefined,
      egress: config.egress,
      attacker: attackerFacts(attacker),
      // bytes: absent. The counters live in the apiserver's process.
    });
  }

  async function info(): Promise<ComposeLabInfo> {
    const base = { source: 'compose' as const, composeFile: files.composeFile, envFile: files.envFile, attackerUrl: options.attackerUrl };
    let config;
    let server = options.server ?? '';
    try {
      config = await readComposeConfig(files);
      const api = await client();
      server = api.server;
      await api.raw('GET', '/version').catch((err: Error) => {
        throw new Error(`the apiserver at ${server} does not answer: ${err.message}`);
      });
      return { ...base, running: true, blocks: config.blocks, profiles: config.profiles, server };
    } catch (err) {
      return { ...base, running: false, blocks: config?.blocks ?? {}, profiles: config?.profiles ?? [], server, message: (err as Error).message };
    }
  }

  return {
    topology,
    captures,
    info,
    close() {
      cached?.client.close();
      cached = undefined;
    },
  };
}

function attackerFacts(r: CapturesResponse): AttackerFacts | undefined {
  return r.attacker ? { ...r.attacker, captures: r.captures.length, refused: r.refused.length } : undefined;
}
