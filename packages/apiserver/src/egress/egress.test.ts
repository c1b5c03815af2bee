import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCA, createSelfSignedServingCert, issueCertificate } from '@hubspoke/pki';
import { deprecatedFlagWarnings } from '../bin/flags.ts';
import { ConfigError, resolveApiserverConfig } from '../config.ts';
import { httpRequest, startFakeKubelet, type FakeKubelet } from '../proxy/test-support.ts';
import { startApiserver, type ApiserverHandle } from '../server.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { buildEgress, egressProblems } from './egress.ts';
import { nodeForAddressFrom } from './node-for-address.ts';
import ssh2 from 'ssh2';
import { startConnectProxy, startSshd, type ConnectProxy, type FakeSshd } from './test-support.ts';
import { testKeyPair } from '@hubspoke/sshd';

const UDS_CONFIG = `apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: /run/konnectivity-server.socket
`;

describe('choosing the egress', () => {
  it('refuses SSH tunnels together with the egress selector', () => {
    expect(() => resolveApiserverConfig({ egressSelectorConfig: UDS_CONFIG, sshUser: 'kube', sshPrivateKey: 'key' })).toThrow(ConfigError);
    expect(egressProblems({ egressSelectorConfig: UDS_CONFIG, sshUser: 'kube', sshPrivateKey: 'key' })).toContain(
      '--ssh-user and --egress-selector-config-file cannot be used together: choose SSH tunnels (deprecated) or the egress selector (Konnectivity)',
    );
    expect(egressProblems({ sshUser: 'kube' })).toEqual(['--ssh-user and --ssh-keyfile must be given together']);
    expect(egressProblems({ sshUser: 'kube', sshPrivateKey: 'not a key' })[0]).toMatch(/^--ssh-keyfile: error parsing SSH key: /);
  });

  it('reports an invalid egress file at startup', () => {
    expect(() => resolveApiserverConfig({ egressSelectorConfig: UDS_CONFIG.replace('HTTPConnect', 'GRPC') })).toThrow(/Unsupported value: "GRPC": hubspoke supports/);
  });

  it('dials directly without egress flags, and ignores a controlplane-only file', () => {
    expect(buildEgress({}).kind).toBe('direct');
    expect(buildEgress({ egressSelectorConfig: UDS_CONFIG.replace('name: cluster', 'name: controlplane') }).kind).toBe('direct');
    expect(buildEgress({ egressSelectorConfig: UDS_CONFIG }).kind).toBe('http-connect');
  });

  it("prints pflag's deprecation warning for each SSH flag given", () => {
    expect(deprecatedFlagWarnings({ sshUser: 'kube', sshKeyfile: '/k' })).toEqual([
      'Flag --ssh-user has been deprecated, This flag will be removed in a future version.',
      'Flag --ssh-keyfile has been deprecated, This flag will be removed in a future version.',
    ]);
    expect(deprecatedFlagWarnings({})).toEqual([]);
  });
});

describe('which node carries a connection', () => {
  it('is the node for its own addresses, and the running node for a pod IP', async () => {
    const storage = new MemoryStorage();
    const node = (name: string, ip: string) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: { addresses: [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }] },
    });
    await storage.create('nodes', node('node-a', '10.0.0.5'));
    await storage.create('nodes', node('node-b', '10.0.0.6'));
    await storage.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'node-b' }, status: { podIP: '10.244.1.7' } });
    const lookup = nodeForAddressFrom(storage, ['InternalIP']);
    expect(['10.0.0.5', 'node-a', '10.244.1.7', '10.244.9.9'].map(lookup)).toEqual(['10.0.0.5', '10.0.0.5', '10.0.0.6', undefined]);
  });
});

describe('an apiserver with --egress-selector-config-file', () => {
  let kubelet: FakeKubelet;
  let proxy: ConnectProxy;
  let api: ApiserverHandle;
  const dir = mkdtempSync(join(tmpdir(), 'egress-api-'));

  beforeAll(async () => {
    kubelet = await startFakeKubelet(await createSelfSignedServingCert({ host: '127.0.0.1' }));
    const ca = await createCA({ commonName: 'konnectivity-ca' });
    const serving = await issueCertificate({ ca, commonName: 'konnectivity-server', ipAddresses: ['127.0.0.1'], usage: 'server' });
    const client = await issueCertificate({ ca, commonName: 'system:konnectivity-client', usage: 'client' });
    proxy = await startConnectProxy({ tls: { cert: serving.cert, key: serving.key, ca: ca.cert } });
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'client.crt'), client.cert);
    writeFileSync(join(dir, 'client.key'), client.key);
    const egressSelectorConfig = `apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      tcp:
        url: https://127.0.0.1:${proxy.port}
        tlsConfig:
          caBundle: ${join(dir, 'ca.crt')}
          clientCert: ${join(dir, 'client.crt')}
          clientKey: ${join(dir, 'client.key')}
`;
    api = await startApiserver({ bindAddress: '127.0.0.1', securePort: 0, controllers: false, kubeletPreferredAddressTypes: ['InternalIP'], proxyAllowLoopback: true, egressSelectorConfig });
    await api.storage.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
    });
  });

  afterAll(async () => {
    await api.close();
    await Promise.all([kubelet.close(), proxy.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches the kubelet through the proxy: nodes/proxy goes out as CONNECT to the node address', async () => {
    const res = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toBe('fake log line\n');
    expect(kubelet.requests.at(-1)?.url).toBe('/healthz');
    expect(proxy.connects.map((c) => c.target)).toContain(`127.0.0.1:${kubelet.port}`);
    expect(proxy.connects.at(-1)?.clientCN).toBe('system:konnectivity-client');
  });

  it("answers 503 with the proxy's refusal when the proxy cannot reach the node", async () => {
    proxy.answer(() => ({ kind: 'raw', text: 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 14\r\n\r\nno agent found' }));
    const res = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy/healthz');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).message).toBe(
      `error trying to reach service: proxy error from 127.0.0.1:${proxy.port} while dialing 127.0.0.1:${kubelet.port}, code 503: 503 Service Unavailable: no agent found`,
    );
  });
});

describe('an apiserver with SSH tunnels (--ssh-user, --ssh-keyfile)', () => {
  let kubelet: FakeKubelet;
  let sshd: FakeSshd;
  let api: ApiserverHandle;

  beforeAll(async () => {
    kubelet = await startFakeKubelet(await createSelfSignedServingCert({ host: '127.0.0.1' }));
    const apiserverKey = testKeyPair();
    sshd = await startSshd({ hostKey: testKeyPair().private, authorizedKey: apiserverKey.public });
    api = await startApiserver({
      bindAddress: '127.0.0.1',
      securePort: 0,
      controllers: false,
      kubeletPreferredAddressTypes: ['InternalIP'],
      proxyAllowLoopback: true,
      sshUser: 'kube',
      sshPrivateKey: apiserverKey.private,
      sshPort: sshd.port,
    });
    await api.storage.create('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
    });
  });

  afterAll(async () => {
    await api.close();
    await Promise.all([kubelet.close(), sshd.close()]);
  });

  it("reaches the kubelet inside the node's SSH connection, one connection for several requests", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await httpRequest(api.url, 'GET', '/api/v1/nodes/node-a/proxy/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toBe('fake log line\n');
    }
    expect(sshd.forwards).toEqual([`127.0.0.1:${kubelet.port}`, `127.0.0.1:${kubelet.port}`]);
    expect(sshd.logins).toBe(1);
  });
});
