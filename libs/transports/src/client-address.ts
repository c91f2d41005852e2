import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import parseForwarded from 'forwarded-parse';
import proxyAddr from 'proxy-addr';
import { AppConfig, trustList } from '@app/config';

type Trust = (address: string, hop: number) => boolean;

/**
 * Who a request comes from, for limits and logs: the TCP peer, unless that peer is a proxy named by
 * TRUST_PROXY. Then the client is the nearest address in `Forwarded` (RFC 7239) or, without it,
 * `X-Forwarded-For`, walking back from the peer past every trusted hop, as Express's "trust proxy"
 * does (through proxy-addr). Anyone else's forwarding headers are ignored, so a client cannot name
 * itself someone else to dodge a limit or forge a log.
 */
@Injectable()
export class ClientAddress {
  private readonly trust: Trust | undefined;
  private readonly cache = new WeakMap<IncomingMessage, string>();

  constructor(config: AppConfig) {
    const list = trustList(config.TRUST_PROXY);
    this.trust = list && list.length > 0 ? proxyAddr.compile(list) : undefined;
  }

  /** True when forwarding headers from `peer` are believed. */
  trusts(peer: string | undefined): boolean {
    return peer !== undefined && this.trust !== undefined && this.trust(peer, 0);
  }

  /** The client's address: the peer's, or the one a trusted proxy forwarded. */
  of(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!this.trust || !this.trust(peer, 0)) return peer;
    let address = this.cache.get(req);
    if (address === undefined) {
      address = this.forwardedFor(req, peer, this.trust) ?? proxyAddr(req, this.trust);
      this.cache.set(req, address);
    }
    return address;
  }

  /** The client by `Forwarded`, or undefined when there is no usable one (then X-Forwarded-For decides). */
  private forwardedFor(req: IncomingMessage, peer: string, trust: Trust): string | undefined {
    const header = req.headers.forwarded;
    if (!header) return undefined;
    let hops: string[];
    try {
      hops = parseForwarded(header)
        .map((element) => element.for)
        .filter((value): value is string => typeof value === 'string')
        .map(hostOf);
    } catch {
      return undefined;
    }
    if (hops.length === 0) return undefined;
    // Nearest hop first: the peer, then the list from its end.
    const chain = [peer, ...hops.reverse()];
    for (let i = 0; i < chain.length - 1; i++) if (!trust(chain[i]!, i)) return chain[i];
    return chain[chain.length - 1];
  }
}

/** `for=` without its port: `1.2.3.4:80` → `1.2.3.4`, `[2001:db8::1]:4711` → `2001:db8::1`. */
function hostOf(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  return v4 ? v4[1]! : value;
}
