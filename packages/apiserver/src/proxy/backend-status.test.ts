import { describe, expect, it } from 'vitest';
import { isStreamableStatus, statusErrorFor } from './backend-status.ts';

const what = { resource: 'pods/log', name: 'web' };

describe('statusErrorFor', () => {
  it('passes a kubelet 400 and 500 on with its text', () => {
    expect(statusErrorFor(400, 'container "c" in pod "web" is waiting to start: ContainerCreating', what).toStatus()).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'container "c" in pod "web" is waiting to start: ContainerCreating',
    });
    expect(statusErrorFor(500, 'boom', what).toStatus()).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: boom' });
  });

  it("words other statuses as NewGenericServerResponse with an empty verb", () => {
    expect(statusErrorFor(404, 'pod not found', what).toStatus()).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource ( pods/log web)',
      details: { name: 'web', kind: 'pods/log', causes: [{ reason: 'UnexpectedServerResponse', message: 'pod not found' }] },
    });
    expect(statusErrorFor(401, '', what).message).toBe('the server has asked for the client to provide credentials ( pods/log web)');
    expect(statusErrorFor(502, 'bad gateway', what).message).toBe('an error on the server ("bad gateway") has prevented the request from succeeding ( pods/log web)');
    expect(statusErrorFor(418, '', what).toStatus()).toMatchObject({ reason: '', message: 'the server responded with the status code 418 but did not return more information ( pods/log web)' });
  });

  it('streams 200 through 206 only', () => {
    expect([199, 200, 206, 207, 302].map(isStreamableStatus)).toEqual([false, true, true, false, false]);
  });
});
