import type { SessionOptions } from '@app/stomp-session';
import type { StompRelayOptions } from '@app/broker-relay';
import type { StompTlsCredentials } from '@app/stomp-transport';
import type { DestinationRule } from '../security';

/** One STOMP endpoint: Spring's `registry.addEndpoint(path)`, with `.withSockJS()` as `sockjs: true`. */
export interface StompEndpointOptions {
  path: string;
  /** SockJS fallback under the same path (every SockJS transport); default true. */
  sockjs?: boolean;
}

/** STOMP on a socket of its own, as message brokers serve it on 61613: plain TCP or, with `tls`, TLS. */
export interface StompTcpListenerOptions {
  /** 0 picks a free port (StompTcpServer.listening names it). */
  port: number;
  /** Default: every interface. */
  host?: string;
  /** Certificate chain and key (PEM contents, not paths): the door speaks TLS. */
  tls?: StompTlsCredentials;
}

/**
 * Everything the broker library is configured by (Spring's WebSocketMessageBrokerConfigurer). Each field
 * has a documented default; nothing is read from the environment.
 */
export interface StompBrokerOptions {
  /** Default `[{ path: '/chat', sockjs: true }]`. `[]` when the application serves the endpoints itself. */
  endpoints?: StompEndpointOptions[];
  /** Destinations that go to @MessageMapping handlers. Default `/app` (one prefix). */
  applicationDestinationPrefix?: string;
  /** Destinations the broker fans out. Default `['/topic', '/queue']`. */
  brokerDestinationPrefixes?: string[];
  /** Relay `/topic` and `/queue` to an external STOMP broker (RabbitMQ); omitted: the in-process simple broker. */
  relay?: StompRelayOptions;
  /** Where a handler's failure goes for the sending session (under the user prefix). Default `/queue/errors`. */
  errorDestination?: string;
  /** Heart-beats the server offers, in ms: [send, receive]. Default [10000, 10000]; 0 = none. */
  heartbeat?: [send: number, receive: number];
  /** Frame and session limits (frame bytes, headers, subscriptions, rate, slow consumers...). */
  limits?: Partial<Omit<SessionOptions, 'heartbeatMs' | 'heartbeatReceiveMs' | 'logFrames'>>;
  /** `'*'`, or origins allowed beside the server's own. Default: the server's own origin only. */
  allowedOrigins?: '*' | string[];
  /**
   * The origin users reach (`https://chat.example.com`). When set, it alone is "the server's own origin";
   * otherwise the request's Host header decides, which a DNS-rebinding page controls.
   */
  publicOrigin?: string;
  /** Spring Security's simpDestMatchers: SEND/SUBSCRIBE rules by destination, first match wins. Default none. */
  authorization?: DestinationRule[];
  /** Every frame in and out at `debug` level (credentials masked, bodies cut short). Default false. */
  logFrames?: boolean;
  /**
   * How often each node repeats who is signed in on it to the others (Spring's user registry broadcast);
   * a node silent for three periods is taken as gone and its users as offline. Default 10000 ms.
   */
  userRegistryBroadcastMs?: number;
  /** STOMP over TCP and TLS listeners, started with the application. Default none. */
  tcp?: StompTcpListenerOptions[];
  /**
   * Connections one remote address (IPv6: one /64) may hold open on the TCP doors; 0 = no cap (the
   * default). The count is the module's ConnectionLimiter provider, so an application that counts its
   * HTTP server's connections with the same provider has one cap over every door.
   */
  maxConnectionsPerAddress?: number;
}

export interface ResolvedStompBrokerOptions {
  endpoints: Required<StompEndpointOptions>[];
  applicationDestinationPrefix: string;
  brokerDestinationPrefixes: string[];
  relay?: StompRelayOptions;
  errorDestination: string;
  session: Partial<SessionOptions>;
  allowedOrigins: '*' | (ReadonlySet<string> & { readonly own?: string });
  authorization: DestinationRule[];
  userRegistryBroadcastMs: number;
  tcp: StompTcpListenerOptions[];
  maxConnectionsPerAddress: number;
}

export const STOMP_BROKER_OPTIONS = Symbol('StompBrokerOptions');

export function resolveOptions(options: StompBrokerOptions): ResolvedStompBrokerOptions {
  const [send, receive] = options.heartbeat ?? [10_000, 10_000];
  return {
    endpoints: (options.endpoints ?? [{ path: '/chat' }]).map((e) => ({ path: e.path, sockjs: e.sockjs ?? true })),
    applicationDestinationPrefix: options.applicationDestinationPrefix ?? '/app',
    brokerDestinationPrefixes: options.brokerDestinationPrefixes ?? ['/topic', '/queue'],
    relay: options.relay,
    errorDestination: options.errorDestination ?? '/queue/errors',
    session: { ...options.limits, heartbeatMs: send, heartbeatReceiveMs: receive, logFrames: options.logFrames ?? false },
    allowedOrigins: options.allowedOrigins === '*'
      ? '*'
      : Object.assign(new Set(options.allowedOrigins ?? []), options.publicOrigin === undefined ? {} : { own: options.publicOrigin }),
    authorization: options.authorization ?? [],
    userRegistryBroadcastMs: options.userRegistryBroadcastMs ?? 10_000,
    tcp: options.tcp ?? [],
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 0,
  };
}
