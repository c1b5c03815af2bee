import { describe, expect, it } from 'vitest';
import { ChannelBuffers, channelMessage, statusFailure } from './channel-messages.ts';

describe('ChannelBuffers', () => {
  it('files each message under its first byte and joins the rest', () => {
    const buffers = new ChannelBuffers();
    buffers.add(Buffer.from('\x01uid=0'));
    buffers.add(Buffer.from('\x02oops'));
    buffers.add(Buffer.alloc(0));
    buffers.add(Buffer.from('\x01(root)\n'));
    expect(buffers.text(1)).toBe('uid=0(root)\n');
    expect(buffers.text(2)).toBe('oops');
    expect(buffers.bytes(3).length).toBe(0);
  });

  it('builds a client message with the channel byte first', () => {
    expect(channelMessage(0, Buffer.from('hi'))).toEqual(Buffer.from([0, 0x68, 0x69]));
  });
});

describe('statusFailure', () => {
  it('is silent on Success and reads the message of a failure', () => {
    expect(statusFailure('{"metadata":{},"status":"Success"}')).toBeUndefined();
    expect(
      statusFailure('{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: 3","reason":"NonZeroExitCode"}'),
    ).toBe('command terminated with non-zero exit code: 3');
    expect(statusFailure('plain text error')).toBe('plain text error');
    expect(statusFailure('')).toBeUndefined();
  });
});
