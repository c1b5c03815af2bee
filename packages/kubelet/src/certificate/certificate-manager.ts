// client-go's certificate Manager: keeps one certificate current by asking the control plane for a new one
// at a jittered 70–90 % of the current one's lifetime (at once when there is none, it no longer fits the
// template, or it was only a bootstrap pair), with a fresh key per request, and retries with back-off.
import { describeCertificate } from '@hubspoke/pki';
import type { ApiClient } from '@hubspoke/client';
import { sleep } from '@hubspoke/client';
import type { Logger } from 'pino';
import { makeCertificateRequest } from './certificate-request.ts';
import type { CertificateTemplate } from './certificate-request.ts';
import type { CertificatePair, CertificateStore } from './certificate-store.ts';
import { parsePair } from './certificate-store.ts';
import { generateEcPrivateKey, parsePrivateKey } from './private-key.ts';
import type { KeyAlgorithm } from './private-key.ts';
import { nextRotationDeadline } from './rotation-deadline.ts';
import { requestCertificate, waitForCertificate } from './signing-request.ts';
import type { KeyUsage } from './signers.ts';

/** Retry and wait timings; Kubernetes' values by default, tests shorten them. */
export interface RotationTiming {
  /** How long one CSR may wait for its certificate (client-go: 15 min). */
  waitTimeoutMs: number;
  /** First retry delay, doubling for `backoffSteps` attempts (client-go: 2 s, 5 steps, jitter 0.1). */
  backoffInitialMs: number;
  backoffSteps: number;
  /** Then one attempt per this interval until one succeeds (client-go: 32 s). */
  pollMs: number;
  /** Pause between one rotation loop and the next (wait.Until's period: 1 s). */
  loopMs: number;
}

/** Kubernetes' timings. */
export const KUBERNETES_ROTATION_TIMING: RotationTiming = {
  waitTimeoutMs: 15 * 60_000,
  backoffInitialMs: 2_000,
  backoffSteps: 5,
  pollMs: 32_000,
  loopMs: 1_000,
};

/** What the manager manages and how it asks. */
export interface CertificateManagerOptions {
  store: CertificateStore;
  signerName: string;
  /** The request to make; undefined = nothing to ask for yet (a serving cert with no address). */
  template: () => CertificateTemplate | undefined;
  usages: (algorithm: KeyAlgorithm) => KeyUsage[];
  /** The client that files the CSR, given the current certificate (none yet: the bootstrap credentials). */
  clientFor: (current: CertificatePair | undefined) => ApiClient;
  /** A pair to start from when the store holds none (kubeadm's high-powered kubeconfig): stored, then rotated at once. */
  bootstrapPair?: { certPem: string; keyPem: string };
  logger: Logger;
  timing?: Partial<RotationTiming>;
  /** [0, 1) source for the deadline and back-off jitter. */
  random?: () => number;
}

/** A running (or not yet started) manager. */
export interface CertificateManager {
  /** The current pair; undefined when there is none or it has expired. */
  current(): CertificatePair | undefined;
  /** Calls `listener` with every newly issued pair. */
  onUpdate(listener: (pair: CertificatePair) => void): void;
  /** Starts the rotation loop in the background. */
  start(): void;
  /** Ends the loop and any request in flight. */
  stop(): Promise<void>;
}

// setTimeout's limit; a one-year certificate's deadline is months away, so sleeps are taken in slices.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Loads the current pair (or the bootstrap pair) and returns a manager for it; call start() to rotate. */
export async function createCertificateManager(opts: CertificateManagerOptions): Promise<CertificateManager> {
  const timing = { ...KUBERNETES_ROTATION_TIMING, ...opts.timing };
  const random = opts.random ?? Math.random;
  const logger = opts.logger.child({ certificateManager: opts.signerName });
  const listeners: Array<(pair: CertificatePair) => void> = [];
  const abort = new AbortController();
  let loop: Promise<void> | undefined;

  let cert: CertificatePair | undefined;
  let forceRotation = false;
  const stored = await opts.store.current().catch((err: unknown) => {
    logger.warn({ err }, 'Unable to load the stored certificate');
    return undefined;
  });
  if (stored && Date.now() < stored.notAfter.getTime()) {
    cert = stored;
  } else if (opts.bootstrapPair) {
    cert = parsePair(opts.bootstrapPair.certPem, opts.bootstrapPair.keyPem, 'the bootstrap certificate');
    forceRotation = true;
    await opts.store.update(opts.bootstrapPair.certPem, opts.bootstrapPair.keyPem).catch((err: unknown) => {
      logger.warn({ err }, 'Unable to set the cert/key pair to the bootstrap certificate');
    });
  } else {
    forceRotation = true;
  }

  const current = (): CertificatePair | undefined => (cert && Date.now() < cert.notAfter.getTime() ? cert : undefined);

  const nextDeadline = (): Date => {
    if (forceRotation) {
      forceRotation = false;
      return new Date();
    }
    const template = opts.template();
    if (!cert || (template && !satisfies(cert, template, logger))) return new Date();
    const deadline = nextRotationDeadline(cert, random);
    logger.info({ expiration: cert.notAfter.toISOString(), deadline: deadline.toISOString() }, 'Certificate expiration and rotation deadline');
    return deadline;
  };

  const rotate = async (): Promise<boolean> => {
    const template = opts.template();
    if (!template) return false;
    logger.info({}, 'Rotating certificates');
    let keyPem: string;
    let csrPem: string;
    try {
      keyPem = await generateEcPrivateKey();
      csrPem = await makeCertificateRequest(parsePrivateKey(keyPem), template);
    } catch (err) {
      logger.error({ err }, 'Unable to generate a certificate signing request');
      return false;
    }
    const client = opts.clientFor(current());
    let certPem: string;
    let csrName: string;
    try {
      const submitted = await requestCertificate(client, { csrPem, signerName: opts.signerName, usages: opts.usages('ec') });
      csrName = submitted.name;
      logger.info({ csr: csrName }, 'Waiting for the certificate signing request to be issued');
      certPem = await waitForCertificate(client, submitted, {
        timeoutMs: timing.waitTimeoutMs,
        signal: abort.signal,
        onRetry: (err) => logger.debug({ err, csr: csrName }, 'Watching the certificate signing request failed; retrying'),
      });
    } catch (err) {
      if (!abort.signal.aborted) logger.error({ err }, 'Certificate request was not signed');
      return false;
    }
    try {
      cert = await opts.store.update(certPem, keyPem);
    } catch (err) {
      logger.error({ err }, 'Unable to store the new cert/key pair');
      return false;
    }
    logger.info({ csr: csrName, file: opts.store.currentPath, expiration: cert.notAfter.toISOString() }, 'Rotated certificate');
    for (const listener of listeners) listener(cert);
    return true;
  };

  const rotateWithBackoff = async (): Promise<void> => {
    let delay = timing.backoffInitialMs;
    for (let step = 1; step <= timing.backoffSteps && !abort.signal.aborted; step++) {
      if (await rotate()) return;
      if (step < timing.backoffSteps) await sleep(delay * (1 + 0.1 * random()), abort.signal);
      delay *= 2;
    }
    if (!abort.signal.aborted) logger.error({}, 'Reached backoff limit, still unable to rotate certs');
    while (!abort.signal.aborted) {
      await sleep(timing.pollMs, abort.signal);
      if (!abort.signal.aborted && (await rotate())) return;
    }
  };

  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      const deadline = nextDeadline().getTime();
      if (deadline > Date.now()) logger.info({ waitMs: deadline - Date.now() }, 'Waiting for next certificate rotation');
      while (!abort.signal.aborted && Date.now() < deadline) await sleep(Math.min(deadline - Date.now(), MAX_TIMER_MS), abort.signal);
      if (!abort.signal.aborted && opts.template()) await rotateWithBackoff();
      await sleep(timing.loopMs, abort.signal);
    }
  };

  return {
    current,
    onUpdate: (listener) => void listeners.push(listener),
    start: () => {
      if (loop || abort.signal.aborted) return;
      logger.info({}, 'Certificate rotation is enabled');
      loop = run().catch((err: unknown) => logger.error({ err }, 'Certificate rotation loop failed'));
    },
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}

/** Whether the certificate carries the template's CN and at least its organizations, DNS names and IPs. */
export function satisfies(pair: CertificatePair, template: CertificateTemplate, logger?: Logger): boolean {
  const info = describeCertificate(pair.leaf);
  const missing = (wanted: readonly string[] = [], have: readonly string[]) => wanted.filter((w) => !have.includes(w));
  const problems: Record<string, unknown> = {};
  if (info.commonName !== template.commonName) problems.commonName = template.commonName;
  const orgs = missing(template.organizations, info.organizations);
  const dns = missing(template.dnsNames, info.dnsNames);
  const ips = missing((template.ipAddresses ?? []).map(canonicalIP), info.ipAddresses.map(canonicalIP));
  if (orgs.length) problems.organizations = orgs;
  if (dns.length) problems.dnsNames = dns;
  if (ips.length) problems.ipAddresses = ips;
  if (Object.keys(problems).length === 0) return true;
  logger?.info({ missing: problems }, 'Current certificate does not match the requested template');
  return false;
}

// IPv6 has many spellings; the URL parser picks one, so a certificate and a flag value compare equal.
function canonicalIP(ip: string): string {
  return ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}
