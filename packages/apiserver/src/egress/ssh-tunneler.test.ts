import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { knownHostsCheck } from './known-hosts.ts';
import { createSshTunneler, type SshTunneler } from './ssh-tunneler.ts';
import { roundTrip, startEcho, startSshd, type EchoServer, type FakeSshd } from './test-support.ts';
import { testKeyPair } from '@hubspoke/sshd';

const { utils } = ssh2;

describe('SSH tunnels to nodes', () => {
  const hostKey = testKeyPair();
  const otherHostKey = testKeyPair();
  const apiserverKey = testKeyPair();
  let echo: EchoServer;
  let sshd: FakeSshd;
  let tunneler: SshTunneler | undefined;

  beforeAll(async () => {
    echo = await startEcho();
    sshd = await startSshd({ hostKey: hostKey.private, authorizedKey: apiserverKey.public, echoPort: echo.port });
  });
  afterEach(() => tunneler?.close());
  afterAll(async () => {
    await sshd.close();
    await echo.close();
  });

  it('carries every dial to a node over one SSH connection', async () => {
    tunneler = createSshTunneler({ user: 'kube', privateKey: apiserverKey.private, port: sshd.port });
    const before = sshd.logins;
    const first = await tunneler.dialer({ host: '127.0.0.1', port: 10250 }, 2_000);
    expect(await roundTrip(first, 'one', 8)).toBe('echo:one');
    const second = await tunneler.dialer({ host: '127.0.0.1', port: 8080 }, 2_000);
    expect(await roundTrip(second, 'two', 8)).toBe('echo:two');
    expect(sshd.logins - before).toBe(1);
    expect(sshd.forwards.slice(-2)).toEqual(['127.0.0.1:10250', '127.0.0.1:8080']);
  });

  it("sends a pod's traffic through the tunnel of the node that runs it", async () => {
    tunneler = createSshTunneler({
      user: 'kube',
      privateKey: apiserverKey.private,
      port: sshd.port,
      nodeForAddress: (host) => (host === '10.244.1.7' || host === '127.0.0.1' ? '127.0.0.1' : undefined),
    });
    const stream = await tunneler.dialer({ host: '10.244.1.7', port: 80 }, 2_000);
    expect(await roundTrip(stream, 'pod', 8)).toBe('echo:pod');
    expect(sshd.forwards.at(-1)).toBe('10.244.1.7:80');
    await expect(tunneler.dialer({ host: '192.0.2.9', port: 80 }, 1_000)).rejects.toThrow('dial tcp 192.0.2.9:80: no SSH tunnel');
  });

  it('opens a new connection after the node (its sshd) restarts', async () => {
    tunneler = createSshTunneler({ user: 'kube', privateKey: apiserverKey.private, port: sshd.port });
    expect(await roundTrip(await tunneler.dialer({ host: '127.0.0.1', port: 10250 }, 2_000), 'a', 6)).toBe('echo:a');
    const port = sshd.port;
    await sshd.close();
    sshd = await startSshd({ hostKey: hostKey.private, authorizedKey: apiserverKey.public, echoPort: echo.port, port });
    expect(await roundTrip(await tunneler.dialer({ host: '127.0.0.1', port: 10250 }, 2_000), 'b', 6)).toBe('echo:b');
    // The restarted sshd counts from zero: the tunneler logged in afresh.
    expect(sshd.logins).toBe(1);
  });

  it('refuses a node whose host key is not the known one when --ssh-known-hosts-file is given', async () => {
    const line = (key: string): string => `[127.0.0.1]:${sshd.port} ${key}`;
    tunneler = createSshTunneler({ user: 'kube', privateKey: apiserverKey.private, port: sshd.port, hostKeys: knownHostsCheck(line(otherHostKey.public)) });
    await expect(tunneler.dialer({ host: '127.0.0.1', port: 10250 }, 2_000)).rejects.toThrow('ssh: handshake failed: knownhosts: key mismatch');
    tunneler.close();
    tunneler = createSshTunneler({ user: 'kube', privateKey: apiserverKey.private, port: sshd.port, hostKeys: knownHostsCheck(line(hostKey.public)) });
    expect(await roundTrip(await tunneler.dialer({ host: '127.0.0.1', port: 10250 }, 2_000), 'ok', 7)).toBe('echo:ok');
  });

  it('accepts any host key by default, as Kubernetes did', async () => {
    tunneler = createSshTunneler({ user: 'kube', privateKey: apiserverKey.private, port: sshd.port });
    expect(await roundTrip(await tunneler.dialer({ host: '127.0.0.1', port: 1 }, 2_000), 'any', 8)).toBe('echo:any');
  });

  it('reports a key the node does not authorize in Go ssh words', async () => {
    tunneler = createSshTunneler({ user: 'kube', privateKey: testKeyPair().private, port: sshd.port });
    await expect(tunneler.dialer({ host: '127.0.0.1', port: 10250 }, 2_000)).rejects.toThrow(
      'ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain',
    );
  });
});
