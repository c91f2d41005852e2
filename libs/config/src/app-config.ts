import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
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

  /** The heart-beat interval the server proposes in CONNECTED (both directions). */
  @Transform(toInt) @IsInt() @Min(0)
  HEARTBEAT_MS = 10_000;

  /**
   * TCP connections one remote address (IPv6: one /64) may hold open at once, over every door; 0 = no
   * cap. 1000 leaves room for a NAT or office behind one address and still stops one host from taking
   * all of the server's file descriptors. Behind a reverse proxy every client shares its address: set 0.
   */
  @Transform(toInt) @IsInt() @Min(0)
  MAX_CONNECTIONS_PER_IP = 1000;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KEYS = Object.keys(new AppConfig()).concat(['BROKER_RELAY', 'AUTH_TOKEN_SECRET', 'AUTH_PUBLIC_KEY', 'AUTH_JWKS_URL', 'ALLOWED_ORIGINS']);

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

/** Parsed ALLOWED_ORIGINS: `'*'`, or a set of origins (empty set = same origin only). */
export function allowedOrigins(config: AppConfig): '*' | ReadonlySet<string> {
  const value = config.ALLOWED_ORIGINS?.trim();
  if (value === '*') return '*';
  return new Set((value ?? '').split(',').map((s) => s.trim().replace(/\/$/, '')).filter(Boolean));
}
