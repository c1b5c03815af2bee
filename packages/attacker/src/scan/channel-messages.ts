// The client side of Kubernetes' binary WebSocket channel protocols (`v4.channel.k8s.io`,
// `v5.channel.k8s.io`): each binary message is one channel byte and its payload. Collects what arrives per
// channel so the probes can read stdout, stderr, the status and port-forward data.

/** exec/attach channel numbers; port-forward uses 2i (data) and 2i+1 (error) for its i-th port. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3 } as const;

/** The subprotocols the exec and attach probes offer, most preferred first (as @kubernetes/client-node). */
export const REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

/** The subprotocol the port-forward probe offers: the kubelet's WebSocket port-forward speaks v4 channels. */
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io'];

/** Bytes received so far, per channel. */
export class ChannelBuffers {
  private readonly channels = new Map<number, Buffer[]>();

  /** Files one binary message; empty messages carry no channel and are ignored. */
  add(message: Buffer): void {
    if (message.length === 0) return;
    const list = this.channels.get(message[0]) ?? [];
    list.push(Buffer.from(message.subarray(1)));
    this.channels.set(message[0], list);
  }

  /** Everything received on `channel`. */
  bytes(channel: number): Buffer {
    return Buffer.concat(this.channels.get(channel) ?? []);
  }

  /** Everything received on `channel`, as UTF-8. */
  text(channel: number): string {
    return this.bytes(channel).toString('utf8');
  }
}

/** One client message: `channel` then `payload`. */
export function channelMessage(channel: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.of(channel), payload]);
}

/** The message of a v4/v5 status (error channel); undefined for Success or no status. */
export function statusFailure(text: string): string | undefined {
  if (!text) return undefined;
  try {
    const status = JSON.parse(text) as { status?: string; message?: string };
    return status.status === 'Success' ? undefined : (status.message ?? text);
  } catch {
    return text;
  }
}
