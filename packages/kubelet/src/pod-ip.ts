// Pod IPs from the node's pod CIDR: `.1` is the bridge/gateway by convention, pods get `.2` upward, and an
// address returns to the pool when its pod is gone.

/** An IPv4 network. */
export interface Ipv4Cidr {
  /** The network address as a 32-bit number. */
  network: number;
  prefix: number;
}

/** Parses `a.b.c.d/n` (IPv4 only); throws with the reason. */
export function parseCidr(text: string): Ipv4Cidr {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) throw new Error(`${JSON.stringify(text)} is not an IPv4 CIDR such as 10.244.1.0/24`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) throw new Error(`${JSON.stringify(text)} has an octet above 255`);
  if (prefix > 30) throw new Error(`${JSON.stringify(text)} leaves no room for pods (prefix must be /30 or shorter)`);
  const address = toNumber(octets);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (address & mask) >>> 0, prefix };
}

/** Hands out and takes back pod addresses of one CIDR. */
export class PodIPAllocator {
  private readonly cidr: Ipv4Cidr;
  private readonly byOwner = new Map<string, number>();
  private readonly used = new Set<number>();

  constructor(cidr: string) {
    this.cidr = parseCidr(cidr);
  }

  /** The owner's address (the same one on repeated calls); throws when the range is exhausted. */
  allocate(owner: string): string {
    const existing = this.byOwner.get(owner);
    if (existing !== undefined) return toText(existing);
    const size = 2 ** (32 - this.cidr.prefix);
    // Skip the network address, the .1 gateway and the broadcast address.
    for (let offset = 2; offset < size - 1; offset++) {
      const candidate = (this.cidr.network + offset) >>> 0;
      if (this.used.has(candidate)) continue;
      this.used.add(candidate);
      this.byOwner.set(owner, candidate);
      return toText(candidate);
    }
    throw new Error(`no pod IP left in ${toText(this.cidr.network)}/${this.cidr.prefix}`);
  }

  /** Returns the owner's address to the pool; unknown owners are ignored. */
  release(owner: string): void {
    const address = this.byOwner.get(owner);
    if (address === undefined) return;
    this.byOwner.delete(owner);
    this.used.delete(address);
  }

  /** Number of addresses in use. */
  get inUse(): number {
    return this.used.size;
  }
}

function toNumber(octets: number[]): number {
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

function toText(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
