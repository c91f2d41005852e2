import type { Socket } from 'node:net';

/**
 * Caps the connections one remote address may hold open at once (MAX_CONNECTIONS_PER_IP; 0 = no cap).
 *
 * Two things take a slot. A TCP connection, as it arrives (admit()), before a byte of HTTP is parsed:
 * every door rides on one, so nobody opens sockets faster than the cap by picking another door; a socket
 * past the cap is not counted and is only answered with a refusal (see TransportGateway). And whatever
 * a request holds open beyond its own exchange (hold()): a SockJS session, which outlives the requests
 * that carry it and shares keep-alive sockets with other sessions, an SSE stream, a held poll, an
 * upgraded socket. Those are counted by the client's address (behind a trusted proxy, the forwarded
 * one, whose sockets are not counted at all). A hold borrows the slot of the socket it arrived on when
 * that socket is the same address's and lends its slot to nothing else, so a stream on its own socket
 * costs one slot, not two; when such a socket closes first, its slot passes to the hold.
 *
 * IPv6 clients usually hold a whole /64, so an IPv6 address is counted by its /64 prefix;
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address.
 */
interface SocketSlot {
  readonly key: string;
  readonly release: () => void;
  open: boolean;
  lent: boolean;
}

export class ConnectionLimiter {
  private readonly open = new Map<string, number>();
  private readonly sockets = new WeakMap<Socket, SocketSlot>();
  /** Connections refused so far (for logs and tests). */
  refused = 0;

  constructor(readonly maxPerAddress: number) {}

  /** Takes a slot for `address`: returns its (idempotent) release, or undefined when the address is at its cap. */
  acquire(address: string | undefined): (() => void) | undefined {
    if (this.maxPerAddress <= 0) return noop;
    const key = addressKey(address);
    const held = this.open.get(key) ?? 0;
    if (held >= this.maxPerAddress) {
      this.refused++;
      return undefined;
    }
    this.open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  /** Holds a slot for as long as `socket` stays open; false (nothing held) when its address is at the cap. */
  admit(socket: Socket): boolean {
    // Without a cap there is nothing to count or lend: no slot and no listener per socket.
    if (this.maxPerAddress <= 0) return true;
    const release = this.acquire(socket.remoteAddress);
    if (!release) return false;
    const slot: SocketSlot = { key: addressKey(socket.remoteAddress), release, open: true, lent: false };
    this.sockets.set(socket, slot);
    socket.once('close', () => {
      slot.open = false;
      if (!slot.lent) release();
    });
    return true;
  }

  /**
   * A slot for something `address` opens by a request that arrived on `socket`, until the returned
   * (idempotent) release; undefined when the address is at its cap.
   */
  hold(address: string | undefined, socket?: Socket): (() => void) | undefined {
    const slot = socket ? this.sockets.get(socket) : undefined;
    if (!slot || !slot.open || slot.lent || slot.key !== addressKey(address)) return this.acquire(address);
    slot.lent = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slot.lent = false;
      if (!slot.open) slot.release();
    };
  }

  /** Connections `address` holds now. */
  count(address: string | undefined): number {
    return this.open.get(addressKey(address)) ?? 0;
  }

  /** Addresses holding at least one connection: the limiter's memory is one small entry per address. */
  get addresses(): number {
    return this.open.size;
  }
}

const noop = () => undefined;
/** The release handed out while there is no cap: nothing to give back, so nothing need wait for a close. */
export const RELEASE_NOTHING: () => void = noop;

/** The unit a cap applies to: an IPv4 address, or an IPv6 /64 prefix. */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1];
  if (!lower.includes(':')) return lower;
  const groups = expandIpv6(lower.split('%')[0]);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : lower;
}

/** The eight hextets of an IPv6 address, or undefined when it is not one. */
function expandIpv6(address: string): string[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
