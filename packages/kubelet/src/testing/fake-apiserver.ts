// A small in-memory apiserver for kubelet tests: real TLS on 127.0.0.1:0, the handful of endpoints a
// kubelet calls (nodes, node status, leases, pods list/watch/status/delete), JSON-lines watches, and a
// record of every request. Tests drive it like a control plane: create pods, mark them for deletion.
import https from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeObject } from '@hubspoke/api';
import { ApiError, alreadyExists, conflict, nowTimestamp, notFound, STALE_OBJECT_MESSAGE } from '@hubspoke/api';
import { createCA, issueCertificate } from '@hubspoke/pki';
import type { CertKey } from '@hubspoke/pki';

/** One request as the fake saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  userAgent?: string;
  body: unknown;
}

interface Watcher {
  resource: string;
  nodeName?: string;
  res: ServerResponse;
}

/** A running fake apiserver. */
export interface FakeApiserver {
  url: string;
  ca: CertKey;
  requests: SeenRequest[];
  /** The stored object, if any. */
  get(resource: 'nodes' | 'leases' | 'pods', namespace: string | undefined, name: string): KubeObject | undefined;
  /** Creates a pod (uid and resourceVersion assigned) and notifies watchers. */
  createPod(pod: KubeObject): KubeObject;
  /** Sets deletionTimestamp and deletionGracePeriodSeconds, as a graceful DELETE does. */
  markPodForDeletion(namespace: string, name: string, graceSeconds: number): KubeObject;
  /** Removes a pod at once (a force delete). */
  removePod(namespace: string, name: string): void;
  /** Writes an object directly (simulates another writer), bumping its resourceVersion. */
  put(resource: 'nodes' | 'leases' | 'pods', obj: KubeObject): KubeObject;
  /** Ends every open watch (as an apiserver restart would). */
  dropWatches(): void;
  close(): Promise<void>;
}

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/';

/** Starts the fake with a fresh CA; clients trust `ca.cert`. */
export async function startFakeApiserver(): Promise<FakeApiserver> {
  const ca = await createCA({ commonName: 'fake-kubernetes' });
  const serving = await issueCertificate({ ca, commonName: 'kube-apiserver', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const store = new Map<string, KubeObject>();
  const history: Array<{ rv: number; type: string; resource: string; object: KubeObject }> = [];
  const watchers = new Set<Watcher>();
  const sockets = new Set<Socket>();
  const requests: SeenRequest[] = [];
  let rv = 100;
  let uids = 0;

  const key = (resource: string, ns: string | undefined, name: string) => `${resource}/${ns ?? ''}/${name}`;
  const notify = (type: string, resource: string, object: KubeObject) => {
    history.push({ rv: Number(object.metadata.resourceVersion), type, resource, object: structuredClone(object) });
    for (const w of watchers) {
      if (w.resource === resource && matches(w, object)) w.res.write(JSON.stringify({ type, object }) + '\n');
    }
  };
  const save = (resource: string, obj: KubeObject, type: 'ADDED' | 'MODIFIED') => {
    obj.metadata.resourceVersion = String(++rv);
    store.set(key(resource, obj.metadata.namespace, obj.metadata.name!), obj);
    notify(type, resource, obj);
    return obj;
  };
  const remove = (resource: string, obj: KubeObject) => {
    store.delete(key(resource, obj.metadata.namespace, obj.metadata.name!));
    obj.metadata.resourceVersion = String(++rv);
    notify('DELETED', resource, obj);
  };
  const create = (resource: string, obj: KubeObject) => {
    if (store.has(key(resource, obj.metadata.namespace, obj.metadata.name!))) {
      throw alreadyExists({ group: '', resource }, obj.metadata.name!);
    }
    obj.metadata.uid ??= `uid-${++uids}`;
    obj.metadata.creationTimestamp ??= nowTimestamp();
    return save(resource, obj, 'ADDED');
  };
  const mustGet = (resource: string, ns: string | undefined, name: string) => {
    const obj = store.get(key(resource, ns, name));
    if (!obj) throw notFound({ group: resource === 'leases' ? 'coordination.k8s.io' : '', resource }, name);
    return obj;
  };

  async function route(req: SeenRequest, res: ServerResponse): Promise<unknown> {
    const p = req.path;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && p === '/api/v1/nodes') return create('nodes', req.body as KubeObject);
    if ((m = /^\/api\/v1\/nodes\/([^/]+)(\/status)?$/.exec(p))) {
      const node = mustGet('nodes', undefined, m[1]);
      if (req.method === 'GET' && !m[2]) return node;
      if (req.method === 'PATCH') {
        const patch = req.body as Record<string, unknown>;
        const next = mergePatch(node, m[2] ? { status: patch.status } : { ...patch, status: undefined }) as KubeObject;
        if (!m[2]) next.status = node.status;
        return save('nodes', next, 'MODIFIED');
      }
    }
    if (p.startsWith(LEASES)) {
      const [ns, , name] = p.slice(LEASES.length).split('/');
      if (req.method === 'POST' && name === undefined) return create('leases', req.body as KubeObject);
      if (req.method === 'GET') return mustGet('leases', ns, name);
      if (req.method === 'PUT') {
        const current = mustGet('leases', ns, name);
        const body = req.body as KubeObject;
        if (body.metadata.resourceVersion !== current.metadata.resourceVersion) {
          throw conflict({ group: 'coordination.k8s.io', resource: 'leases' }, name, STALE_OBJECT_MESSAGE);
        }
        return save('leases', { ...body, metadata: { ...body.metadata, uid: current.metadata.uid } }, 'MODIFIED');
      }
    }
    // The kubelet waits for its Service informer before starting containers; this control plane has none.
    if (p === '/api/v1/services' && req.method === 'GET') {
      if (req.query.get('watch') === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        return STREAMING;
      }
      return { kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items: [] };
    }
    if (p === '/api/v1/pods' && req.method === 'GET') {
      const nodeName = /^spec\.nodeName=(.*)$/.exec(req.query.get('fieldSelector') ?? '')?.[1];
      if (req.query.get('watch') === 'true') {
        const watcher: Watcher = { resource: 'pods', nodeName, res };
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        const since = Number(req.query.get('resourceVersion') ?? rv);
        for (const h of history) {
          if (h.rv > since && h.resource === 'pods' && matches(watcher, h.object)) {
            res.write(JSON.stringify({ type: h.type, object: h.object }) + '\n');
          }
        }
        watchers.add(watcher);
        res.on('close', () => watchers.delete(watcher));
        return STREAMING;
      }
      const items = [...store.entries()]
        .filter(([k, o]) => k.startsWith('pods/') && matches({ nodeName }, o))
        .map(([, o]) => o);
      return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items };
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/status)?$/.exec(p))) {
      const pod = mustGet('pods', m[1], m[2]);
      if (req.method === 'PATCH' && m[3]) {
        const patch = req.body as KubeObject;
        if (patch.metadata?.uid && patch.metadata.uid !== pod.metadata.uid) {
          throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${patch.metadata.uid}, UID in object meta: ${pod.metadata.uid}`);
        }
        return save('pods', { ...pod, status: mergePatch(pod.status ?? {}, patch.status) }, 'MODIFIED');
      }
      if (req.method === 'DELETE') {
        const opts = (req.body ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string } };
        if (opts.preconditions?.uid && opts.preconditions.uid !== pod.metadata.uid) {
          throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${pod.metadata.uid}`);
        }
        if (opts.gracePeriodSeconds === 0) {
          remove('pods', pod);
          return pod;
        }
        return markForDeletion(pod, opts.gracePeriodSeconds ?? 30);
      }
      if (req.method === 'GET' && !m[3]) return pod;
    }
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }

  const markForDeletion = (pod: KubeObject, graceSeconds: number) => {
    pod.metadata.deletionTimestamp = nowTimestamp(new Date(Date.now() + graceSeconds * 1000));
    pod.metadata.deletionGracePeriodSeconds = graceSeconds;
    return save('pods', pod, 'MODIFIED');
  };

  const server = https.createServer({ key: serving.key, cert: serving.cert }, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'https://fake');
    const text = Buffer.concat(chunks).toString('utf8');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      userAgent: req.headers['user-agent'],
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(seen);
    try {
      const result = await route(seen, res);
      if (result === STREAMING) return;
      send(res, 200, result);
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(500, 'InternalError', String(err));
      send(res, apiErr.code, apiErr.toStatus());
    }
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca,
    requests,
    get: (resource, ns, name) => store.get(key(resource, ns, name)),
    createPod: (pod) => create('pods', structuredClone(pod)),
    markPodForDeletion: (ns, name, grace) => markForDeletion(mustGet('pods', ns, name), grace),
    removePod: (ns, name) => remove('pods', mustGet('pods', ns, name)),
    put: (resource, obj) => save(resource, structuredClone(obj), 'MODIFIED'),
    dropWatches: () => {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    close: async () => {
      for (const w of watchers) w.res.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const STREAMING = Symbol('streaming');

function matches(w: Pick<Watcher, 'nodeName'>, obj: KubeObject): boolean {
  return w.nodeName === undefined || (obj.spec as { nodeName?: string } | undefined)?.nodeName === w.nodeName;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = mergePatch(out[k], v);
  }
  return out;
}
