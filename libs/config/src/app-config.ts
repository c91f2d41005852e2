import { plainToInstance, Transform } from 'class-transformer';
import proxyAddr from 'proxy-addr';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/**
 * The whole environment the server reads, parsed and checked once at start.
 * Nothing else in the code base reads process.env: inject AppConfig instead.
 */
export class AppConfig {
  @IsString() @MinLength(1)
  HOST = '0.0.0.0';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 8080;

  @IsString()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message: 'DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://...',
  })
  DATABASE_URL = 'sqlite:./data/chat.sqlite';

  @IsOptional() @IsString()
  @Matches(/^stomp:\/\/([^:@/]+(:[^@/]*)?@)?[^:/]+(:\d+)?\/?$/, {
    message: 'BROKER_RELAY must look like stomp://user:pass@host:61613',
  })
  BROKER_RELAY?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'AUTH_TOKEN_SECRET must be at least 16 characters' })
  AUTH_TOKEN_SECRET?: string;

  /** Path of a PEM public key (or certificate): tokens are then RS256 (RSA key) or ES256 (P-256 key). */
  @IsOptional() @IsString() @MinLength(1)
  AUTH_PUBLIC_KEY?: string;

  /** A JWK set URL: RS256/ES256 tokens are verified with its keys, fetched on demand and cached. */
  @IsOptional() @IsString()
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'AUTH_JWKS_URL must be an http:// or https:// URL' })
  AUTH_JWKS_URL?: string;

  /** Comma-separated origins or `*`; empty means "the server's own origin only". */
  @IsOptional() @IsString()
  ALLOWED_ORIGINS?: string;

  @Transform(toInt) @IsInt() @Min(1024) @Max(16 * 1024 * 1024)
  MAX_FRAME_BYTES = 64 * 1024;

  @Transform(toInt) @IsInt() @Min(1) @Max(10_000)
  MAX_HEADERS = 100;

  @Transform(toInt) @IsInt() @Min(64) @Max(1024 * 1024)
  MAX_HEADER_BYTES = 8 * 1024;

  @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  MAX_SUBSCRIPTIONS = 128;

  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  CONNECT_TIMEOUT_MS = 10_000;

  @Transform(toInt) @IsInt() @Min(1024)
  SEND_BUFFER_BYTES = 512 * 1024;

  @Transform(toInt) @IsInt() @Min(100)
  SEND_TIME_LIMIT_MS = 10_000;

  /** Bytes (headers and bodies) the open transactions of one session may hold until COMMIT or ABORT. */
  @Transform(toInt) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  MAX_TRANSACTION_BYTES = 1024 * 1024;

  @Transform(toInt) @IsInt() @Min(0)
  RATE_LIMIT_PER_SEC = 20;

  @Transform(toInt) @IsInt() @Min(0)
  RATE_LIMIT_BURST = 40;

  /** How long after sending it its author may edit a message, in seconds; 0: never (#13). */
  @Transform(toInt) @IsInt() @Min(0) @Max(10 * 365 * 24 * 3600)
  EDIT_WINDOW_SEC = 900;

  /** The heart-beat interval the server proposes in CONNECTED (both directions). */
  @Transform(toInt) @IsInt() @Min(0)
  HEARTBEAT_MS = 10_000;

  /**
   * What one client address (IPv6: one /64) may hold open at once, over every door: TCP connections,
   * and SockJS sessions, SSE streams, held polls and WebSockets (counted by the client TRUST_PROXY names;
   * one riding its own socket counts once); 0 = no cap. 1000 leaves room for a NAT or office behind one
   * address and still stops one host from taking all of the server's file descriptors and memory.
   */
  @Transform(toInt) @IsInt() @Min(0)
  MAX_CONNECTIONS_PER_IP = 1000;

  /**
   * How long a client may take to send its request headers, and its whole request (headers and body),
   * before it gets a 408 and the connection is closed. Responses are not limited: SSE streams, held polls
   * and SockJS streams stay open as long as they need (their requests arrive at once).
   */
  @Transform(toInt) @IsInt() @Min(100)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  @Transform(toInt) @IsInt() @Min(100)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** How often a node tells the others who is signed in on it; a node silent for 3 periods is gone. */
  @Transform(toInt) @IsInt() @Min(100)
  USER_REGISTRY_BROADCAST_MS = 10_000;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** `text` for people, `json` for one JSON object per line. */
  @IsIn(['text', 'json'])
  LOG_FORMAT: 'text' | 'json' = 'text';

  /**
   * The origin users reach (`https://chat.example.com`). When set it, not the request's Host header,
   * is "our own origin": a DNS-rebinding page controls the Host header, never this.
   */
  @IsOptional() @IsString()
  @ValidateBy({ name: 'isOrigin', validator: { validate: (v: unknown) => typeof v === 'string' && publicOrigin(v) !== undefined } }, {
    message: 'PUBLIC_URL must be an http(s) origin such as https://chat.example.com',
  })
  PUBLIC_URL?: string;

  /**
   * Peers whose X-Forwarded-For / Forwarded names the client: `loopback`, or comma-separated addresses
   * and CIDRs (proxy-addr's syntax, as Express's "trust proxy"). Unset: nobody's is believed.
   */
  @IsOptional() @IsString()
  @ValidateBy({ name: 'isTrustList', validator: { validate: (v: unknown) => typeof v === 'string' && trustList(v) !== undefined } }, {
    message: 'TRUST_PROXY must be loopback, or comma-separated IP addresses and CIDRs',
  })
  TRUST_PROXY?: string;

  /** STOMP over plain TCP on this port (as brokers on 61613); unset: off. 0 picks a free port. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  STOMP_TCP_PORT?: number;

  /** STOMP over TLS on this port, with TLS_CERT_FILE and TLS_KEY_FILE; unset: off. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  @ValidateBy({ name: 'hasTlsFiles', validator: { validate: (_v: unknown, args) => hasTlsFiles(args?.object as AppConfig) } }, {
    message: 'STOMP_TLS_PORT needs TLS_CERT_FILE and TLS_KEY_FILE',
  })
  STOMP_TLS_PORT?: number;

  /**
   * PEM certificate chain and private key files. Both set: the HTTP port serves HTTPS (and wss://), and
   * STOMP_TLS_PORT may be used. One without the other is an error.
   */
  @IsOptional() @IsString() @MinLength(1)
  @ValidateBy({ name: 'tlsPair', validator: { validate: (_v: unknown, args) => hasTlsFiles(args?.object as AppConfig) } }, {
    message: 'TLS_CERT_FILE and TLS_KEY_FILE go together',
  })
  TLS_CERT_FILE?: string;

  @IsOptional() @IsString() @MinLength(1)
  @ValidateBy({ name: 'tlsPair', validator: { validate: (_v: unknown, args) => hasTlsFiles(args?.object as AppConfig) } }, {
    message: 'TLS_CERT_FILE and TLS_KEY_FILE go together',
  })
  TLS_KEY_FILE?: string;

  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional() @IsString() @MinLength(8, { message: 'METRICS_TOKEN must be at least 8 characters' })
  METRICS_TOKEN?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KEYS = Object.keys(new AppConfig()).concat([
  'BROKER_RELAY',
  'AUTH_TOKEN_SECRET',
  'AUTH_PUBLIC_KEY',
  'AUTH_JWKS_URL',
  'ALLOWED_ORIGINS',
  'PUBLIC_URL',
  'TRUST_PROXY',
  'METRICS_TOKEN',
  'STOMP_TCP_PORT',
  'STOMP_TLS_PORT',
  'TLS_CERT_FILE',
  'TLS_KEY_FILE',
]);

/** Reads the known variables from `env`; empty strings count as unset. Throws ConfigError naming every bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const why = Object.values(e.constraints ?? {}).join('; ');
      return `  ${e.property}=${JSON.stringify(raw[e.property])}: ${why}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

/** Origins allowed besides our own; `own` is PUBLIC_URL's origin when it pins ours. */
export type OriginList = ReadonlySet<string> & { readonly own?: string };

/** Parsed ALLOWED_ORIGINS: `'*'`, or a set of origins (empty set = same origin only), with PUBLIC_URL's as `own`. */
export function allowedOrigins(config: AppConfig): '*' | OriginList {
  const value = config.ALLOWED_ORIGINS?.trim();
  if (value === '*') return '*';
  const list = new Set((value ?? '').split(',').map((s) => s.trim().replace(/\/$/, '')).filter(Boolean));
  const own = publicOrigin(config.PUBLIC_URL);
  return own === undefined ? list : Object.assign(list, { own });
}

/** PUBLIC_URL as a serialized origin (`https://chat.example.com`), or undefined when it is not one. */
export function publicOrigin(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    if (parsed.username || parsed.password || parsed.search || parsed.hash || parsed.pathname !== '/') return undefined;
    return parsed.origin;
  } catch {
    return undefined;
  }
}

/** Both TLS files named (the check behind STOMP_TLS_PORT and the pair rule). */
export function hasTlsFiles(config: Pick<AppConfig, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>): boolean {
  return config.TLS_CERT_FILE !== undefined && config.TLS_KEY_FILE !== undefined;
}

/** TRUST_PROXY as proxy-addr's list, or undefined when proxy-addr refuses an entry. */
export function trustList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyAddr.compile(list);
    return list;
  } catch {
    return undefined;
  }
}
