import { describe, expect, it } from 'vitest';
import { decodeChannelMessage, encodeChannelMessage } from './channel-codec.ts';
import { channelProtocols } from './subprotocol.ts';

const v5 = channelProtocols.get('v5.channel.k8s.io')!;
const v4 = channelProtocols.get('v4.channel.k8s.io')!;
const base64 = channelProtocols.get('v4.base64.channel.k8s.io')!;

describe('channel framing', () => {
  it('prefixes binary messages with the channel byte', () => {
    expect(encodeChannelMessage(v4, 1, Buffer.from('hi'))).toEqual({ data: Buffer.from([1, 0x68, 0x69]), binary: true });
    expect(decodeChannelMessage(v4, Buffer.from([0, 0x61]))).toEqual({ kind: 'data', channel: 0, payload: Buffer.from('a') });
  });

  it("sends base64 protocols as text: '0'+channel, then base64", () => {
    expect(encodeChannelMessage(base64, 1, Buffer.from('foo\n'))).toEqual({ data: '1Zm9vCg==', binary: false });
    expect(encodeChannelMessage(base64, 3, Buffer.alloc(0))).toEqual({ data: '3', binary: false });
    expect(decodeChannelMessage(base64, Buffer.from('0Zm9vCg=='))).toEqual({ kind: 'data', channel: 0, payload: Buffer.from('foo\n') });
  });

  it('reads [255, channel] as a half-close only on v5', () => {
    expect(decodeChannelMessage(v5, Buffer.from([255, 0]))).toEqual({ kind: 'half-close', channel: 0 });
    expect(decodeChannelMessage(v5, Buffer.from([255, 0, 1]))).toEqual({ kind: 'ignored' });
    expect(decodeChannelMessage(v4, Buffer.from([255, 0]))).toEqual({ kind: 'data', channel: 255, payload: Buffer.from([0]) });
  });

  it('ignores empty and malformed messages', () => {
    expect(decodeChannelMessage(v4, Buffer.alloc(0))).toEqual({ kind: 'ignored' });
    expect(decodeChannelMessage(base64, Buffer.from('0not base64!'))).toEqual({ kind: 'ignored' });
    expect(decodeChannelMessage(base64, Buffer.from('xZm9v'))).toEqual({ kind: 'ignored' });
  });
});
