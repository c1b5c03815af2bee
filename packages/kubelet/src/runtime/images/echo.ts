// hubspoke/echo: raw TCP for port-forward and proxy throughput tests: an echo port and a checksum sink.
import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { choosePort, untilAborted, type ToyImage } from '../program.ts';

/**
 * Echoes every byte on the port (first containerPort, PORT, or 9000); on port+1 a sink reads everything and,
 * when the client half-closes, answers with the SHA-256 hex of what it received and a newline.
 * With port 0 both ports are chosen by the OS (see the container's listeners()).
 */
export const echoImage: ToyImage = {
  name: 'hubspoke/echo',
  description: 'TCP echo on PORT (9000) and a SHA-256 sink on PORT+1',
  sigterm: 'handle',
  async run(ctx) {
    const port = choosePort(ctx, 9000);
    const echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    const sink = createServer({ allowHalfOpen: true }, (socket) => receive(socket));
    const receive = (socket: Socket) => {
      const hash = createHash('sha256');
      let bytes = 0;
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      socket.on('end', () => {
        const digest = hash.digest('hex');
        socket.end(`${digest}\n`);
        void ctx.print(`sink: ${bytes} bytes from ${socket.remoteAddress}:${socket.remotePort} sha256 ${digest}\n`).catch(() => undefined);
      });
    };
    try {
      const echoAddress = await ctx.listen(echo, port, 'echo');
      const sinkAddress = await ctx.listen(sink, port === 0 ? 0 : port + 1, 'sink');
      await ctx.print(`echo: listening on ${ctx.pod.ip}:${echoAddress.port}, sink on ${ctx.pod.ip}:${sinkAddress.port}\n`);
    } catch (err) {
      await ctx.print(`echo: listen failed: ${(err as Error).message}\n`, 'stderr');
      return 1;
    }
    await untilAborted(ctx.signal);
    return 0;
  },
};
