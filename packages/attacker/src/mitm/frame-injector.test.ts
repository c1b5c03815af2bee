import { describe, expect, it } from 'vitest';
import { decodeChannelMessage, encodeStdinFrame } from './channel-message.ts';
import { FrameInjector } from './frame-injector.ts';
import { encodeFrame, FrameReader, Opcode } from './websocket-frames.ts';

const typed = (text: string) => encodeFrame({ opcode: Opcode.binary, payload: Buffer.from(`\x00${text}`, 'latin1'), mask: true });
const stdinOf = (wire: Buffer, subprotocol = 'v5.channel.k8s.io') =>
  new FrameReader().feed(wire).frames.map((f) => decodeChannelMessage(subprotocol, f)?.data.toString());

describe('FrameInjector', () => {
  it('writes an injected frame at once while the client is between frames', () => {
    const injector = new FrameInjector();
    injector.push(typed('ls\n'));
    const now = injector.inject(encodeStdinFrame('v5.channel.k8s.io', Buffer.from('id\n')));
    expect(stdinOf(Buffer.concat(now))).toEqual(['id\n']);
    expect(injector.pending).toBe(0);
  });

  it('holds an injected frame until the client’s half-sent frame ends, then splices it in whole', () => {
    const injector = new FrameInjector();
    const user = Buffer.concat([typed('first\n'), typed('second\n')]);
    const cut = 3; // mid-way through the first frame
    const out = [...injector.push(user.subarray(0, cut)).forward];
    expect(injector.inject(encodeStdinFrame('v5.channel.k8s.io', Buffer.from('evil\n')))).toEqual([]);
    expect(injector.pending).toBe(1);
    const rest = injector.push(user.subarray(cut));
    out.push(...rest.forward);
    expect(rest.frames.map((f) => f.payload.subarray(1).toString())).toEqual(['first\n', 'second\n']);
    expect(stdinOf(Buffer.concat(out))).toEqual(['first\n', 'evil\n', 'second\n']);
    expect(injector.pending).toBe(0);
  });

  it('speaks the base64 protocols as text frames with an ASCII channel digit', () => {
    const wire = encodeStdinFrame('v4.base64.channel.k8s.io', Buffer.from('echo hi\n'));
    const [frame] = new FrameReader().feed(wire).frames;
    expect(frame).toMatchObject({ opcode: Opcode.text, masked: true });
    expect(frame.payload.toString()).toBe(`0${Buffer.from('echo hi\n').toString('base64')}`);
    expect(stdinOf(wire, 'v4.base64.channel.k8s.io')).toEqual(['echo hi\n']);
  });
});
