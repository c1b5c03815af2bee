import { describe, expect, it } from 'vitest';
import { exitCodeStatus, internalErrorStatus, statusJson, statusText, successStatus } from './status.ts';

describe('remote command statuses', () => {
  it('marshals Success as the kubelet does', () => {
    expect(statusJson(successStatus())).toBe('{"metadata":{},"status":"Success"}');
    expect(statusText(successStatus())).toBeUndefined();
  });

  it('marshals an exit code in Go field order, with the containerd exec error inside the message', () => {
    expect(statusJson(exitCodeStatus(['sh', '-c', 'exit 3'], 3))).toBe(
      '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",' +
        '"reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    );
    expect(statusText(exitCodeStatus(['false'], 1))).toBe(
      'command terminated with non-zero exit code: error executing command [false], exit code 1',
    );
  });

  it('marshals an internal error with code 500 last', () => {
    expect(statusJson(internalErrorStatus('boom'))).toBe(
      '{"metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500}',
    );
  });
});
