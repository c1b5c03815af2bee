// Audit events in audit.k8s.io/v1 form, one JSON object per line, written at ResponseComplete (or
// ResponseStarted for long-running requests such as watches). Level Metadata: who did what to which object,
// with the authorization decision, never request or response bodies.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { nowMicroTimestamp } from '@hubspoke/api';
import type { UserInfo } from '@hubspoke/auth';
import type { ApiRequest } from '../request/context.ts';

/** The sink for audit events. */
export interface AuditSink {
  record(req: ApiRequest, stage: 'ResponseStarted' | 'ResponseComplete' | 'Panic', code: number): void;
  close(): Promise<void>;
}

/** An `audit.k8s.io/v1` Event at level Metadata. */
export function auditEvent(req: ApiRequest, stage: string, code: number, now = new Date()): Record<string, unknown> {
  const info = req.info;
  const event: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: req.auditID,
    stage,
    requestURI: req.url,
    verb: info.verb,
    // Under impersonation `user` stays the one who authenticated, as audit.k8s.io records it.
    user: userInfoOf(req.authenticatedUser ?? req.user),
    ...(req.authenticatedUser && req.user ? { impersonatedUser: userInfoOf(req.user) } : {}),
    sourceIPs: [req.remoteAddress],
    userAgent: req.headers['user-agent'] ?? '',
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: nowMicroTimestamp(req.receivedAt),
    stageTimestamp: nowMicroTimestamp(now),
  };
  if (info.isResourceRequest) {
    event.objectRef = {
      resource: info.resource,
      ...(info.namespace ? { namespace: info.namespace } : {}),
      ...(info.name ? { name: info.name } : {}),
      apiGroup: info.apiGroup || undefined,
      apiVersion: info.apiVersion,
      ...(info.subresource ? { subresource: info.subresource } : {}),
    };
  }
  if (req.decision) {
    event.annotations = {
      'authorization.k8s.io/decision': req.decision.allowed ? 'allow' : 'forbid',
      'authorization.k8s.io/reason': req.decision.reason,
    };
  }
  return event;
}

// An `authentication.k8s.io/v1` UserInfo.
function userInfoOf(user: UserInfo | undefined): Record<string, unknown> {
  if (!user) return {};
  return { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) };
}

/** Audit events appended to a file (`-` = standard output). */
export function fileAuditSink(path: string): AuditSink {
  let out: WriteStream | NodeJS.WriteStream;
  if (path === '-') out = process.stdout;
  else {
    mkdirSync(dirname(path), { recursive: true });
    out = createWriteStream(path, { flags: 'a' });
  }
  return {
    record(req, stage, code) {
      out.write(`${JSON.stringify(auditEvent(req, stage, code))}\n`);
    },
    close() {
      if (out === process.stdout) return Promise.resolve();
      return new Promise((resolve) => (out as WriteStream).end(resolve));
    },
  };
}
