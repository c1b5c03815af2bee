import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeFixture, testPod, waitForLog } from '../testing.ts';

const pod = testPod(24, 'tls-0');

describe('hubspoke/https-server', () => {
  let fixture: Awaited<ReturnType<typeof runtimeFixture>>;
  beforeEach(async () => (fixture = await runtimeFixture(pod)));
  afterEach(() => fixture.cleanup());

  it('serves over TLS with a self-signed EC P-256 certificate for the pod IP', async () => {
    const handle = await fixture.start({ image: 'hubspoke/https-server', env: { PORT: '0' } });
    const [, port, fingerprint] = await waitForLog(handle, /listening on https:\/\/\S+:(\d+) \(self-signed certificate, SHA-256 fingerprint (\S+)\)/);
    const pem = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: pod.ip, port: Number(port), rejectUnauthorized: false }, () => {
        const raw = socket.getPeerCertificate().raw;
        socket.end();
        resolve(new X509Certificate(raw).toString());
      });
      socket.on('error', reject);
    });
    const cert = new X509Certificate(pem);
    expect(cert.fingerprint256).toBe(fingerprint);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.subjectAltName).toContain(`IP Address:${pod.ip}`);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);

    // Trusting exactly that certificate, the IP SAN verifies.
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: pod.ip, port: Number(port), path: '/', ca: pem }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toContain('Hello from pod default/tls-0');
  });

  it('is refused by a client that verifies against the system roots', async () => {
    const handle = await fixture.start({ image: 'hubspoke/https-server', ports: [{ containerPort: 0 }] });
    const [, port] = await waitForLog(handle, /listening on https:\/\/\S+:(\d+)/);
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const req = request({ host: pod.ip, port: Number(port), path: '/' }, () => resolve(new Error('accepted')));
      req.on('error', resolve);
      req.end();
    });
    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
