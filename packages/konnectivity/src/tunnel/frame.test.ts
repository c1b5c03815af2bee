import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type Frame } from './frame.ts';

describe('tunnel frames', () => {
  const frames: Frame[] = [
    { type: 'DIAL_REQ', id: 7, host: '10.0.0.5', port: 10250 },
    { type: 'DIAL_REQ', id: 8, host: 'node-1.example', port: 65535 },
    { type: 'DIAL_RSP', id: 7 },
    { type: 'DIAL_RSP', id: 7, error: 'dial tcp 10.0.0.5:10250: connect: connection refused' },
    { type: 'DATA', id: 4294967295, data: Buffer.from([0, 1, 2, 255]) },
    { type: 'CLOSE', id: 1 },
    { type: 'CLOSE', id: 1, error: 'connection reset' },
    { type: 'WINDOW', id: 3, bytes: 262144 },
  ];

  it('round-trips every frame type', () => {
    for (const frame of frames) expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('puts the type in byte 0 and the id big-endian in bytes 1..4', () => {
    const bytes = encodeFrame({ type: 'WINDOW', id: 0x01020304, bytes: 16 });
    expect([...bytes]).toEqual([5, 1, 2, 3, 4, 0, 0, 0, 16]);
  });

  it('rejects short, unknown and malformed frames', () => {
    expect(decodeFrame(Buffer.from([3, 0, 0]))).toEqual({ malformed: 'frame too short (3 bytes)' });
    expect(decodeFrame(Buffer.from([9, 0, 0, 0, 1]))).toEqual({ malformed: 'unknown frame type 9' });
    expect(decodeFrame(Buffer.from([5, 0, 0, 0, 1, 0]))).toEqual({ malformed: 'WINDOW payload must be 4 bytes' });
    expect(decodeFrame(Buffer.from([1, 0, 0, 0, 1, 0, 80]))).toEqual({ malformed: 'DIAL_REQ without port and host' });
  });
});
