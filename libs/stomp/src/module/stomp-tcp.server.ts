import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SESSION_OPTIONS, STOMP_ENDPOINT, type SessionOptions, type StompEndpoint } from '@app/stomp-session';
import { ConnectionLimiter, StompTcpTransport } from '@app/stomp-transport';
import { STOMP_BROKER_OPTIONS, type ResolvedStompBrokerOptions } from './stomp-broker.options';

/** How long shutdown waits for TCP clients to hang up after their ERROR frame before cutting them. */
const SHUTDOWN_DRAIN_MS = 1_000;

export interface StompTcpListening {
  /** `stomp` or `stomp+ssl`. */
  scheme: string;
  address: AddressInfo;
}

/**
 * The `tcp` listeners of StompBrokerModule's options: they open with the application (before its HTTP
 * server, so a port in use stops the start) and stop accepting on shutdown, while StompEndpointServer
 * tells every session, on every door, that the server is going away.
 */
@Injectable()
export class StompTcpServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('StompTcp');
  private readonly doors: { transport: StompTcpTransport; port: number; host?: string }[];
  private opened: StompTcpListening[] = [];

  constructor(
    @Inject(STOMP_BROKER_OPTIONS) options: ResolvedStompBrokerOptions,
    @Inject(STOMP_ENDPOINT) endpoint: StompEndpoint,
    @Inject(SESSION_OPTIONS) session: SessionOptions,
    connections: ConnectionLimiter,
  ) {
    this.doors = options.tcp.map((listener) => ({
      port: listener.port,
      host: listener.host,
      transport: new StompTcpTransport({
        endpoint,
        tls: listener.tls,
        connections,
        handshakeTimeoutMs: session.connectTimeoutMs,
        log: { warn: (message) => this.logger.warn(message) },
      }),
    }));
  }

  /** Where each listener is (port 0 resolved), once the application has started. */
  get listening(): readonly StompTcpListening[] {
    return this.opened;
  }

  /** Open TCP and TLS sessions together. */
  get connections(): number {
    return this.doors.reduce((n, d) => n + d.transport.connections, 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const door of this.doors) {
      const address = await door.transport.listen(door.port, door.host);
      this.opened.push({ scheme: door.transport.scheme, address });
      this.logger.log(`STOMP over ${door.transport.scheme === 'stomp' ? 'TCP' : 'TLS'} on ${address.address}:${address.port}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const door of this.doors) door.transport.stopAccepting();
    await Promise.all(this.doors.map((d) => d.transport.drain(SHUTDOWN_DRAIN_MS)));
  }
}
