import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildKubeconfig, issueCertificate, kubeconfigToYaml } from '@hubspoke/pki';
import { clientFromKubeconfig } from './kubeconfig.ts';
import { sendJson, startFakeHttpsServer } from './testing/fake-https-server.ts';
import type { FakeHttpsServer } from './testing/fake-https-server.ts';

let server: FakeHttpsServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeHttpsServer((_req, res) => sendJson(res, 200, { kind: 'Node', metadata: { name: 'n1' } }));
  dir = await mkdtemp(path.join(os.tmpdir(), 'client-kubeconfig-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('clientFromKubeconfig', () => {
  it('connects with the cluster CA and the user certificate of the current context', async () => {
    const user = await issueCertificate({
      ca: { cert: server.caCert, key: server.caKey },
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
      usage: 'client',
    });
    const file = path.join(dir, 'kubelet.conf');
    await writeFile(
      file,
      kubeconfigToYaml(
        buildKubeconfig({
          clusterName: 'hubspoke',
          server: server.url,
          caCert: server.caCert,
          userName: 'system:node:n1',
          clientCert: user.cert,
          clientKey: user.key,
        }),
      ),
    );
    const client = await clientFromKubeconfig(file);
    await expect(client.get('/api/v1/nodes/n1')).resolves.toMatchObject({ kind: 'Node' });
    client.close();
    expect(server.requests.at(-1)?.clientCN).toBe('system:node:n1');
  });

  it('sends the token of a token user', async () => {
    const yaml = kubeconfigToYaml(
      buildKubeconfig({ clusterName: 'c', server: server.url, caCert: server.caCert, userName: 'u', token: 'abc.def' }),
    );
    const client = await clientFromKubeconfig(yaml);
    await client.get('/api/v1/nodes/n1');
    client.close();
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer abc.def');
  });
});
