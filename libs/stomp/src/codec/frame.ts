/** STOMP protocol versions this codec speaks. */
export type StompVersion = '1.0' | '1.1' | '1.2';

/**
 * Header names are plain data: a Map, never an object key (a header named `__proto__` is just a header).
 * On decode a repeated header keeps its first value, as STOMP 1.2 says.
 */
export type StompHeaders = Map<string, string>;

export interface StompFrame {
  command: string;
  headers: StompHeaders;
  body: Buffer;
}

/** Limits enforced while bytes arrive, before a body is buffered. */
export interface DecoderLimits {
  /** Whole frame (command + headers + body) in bytes. */
  maxFrameBytes: number;
  maxHeaders: number;
  /** One header line in bytes (name + ':' + value). */
  maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: DecoderLimits = {
  maxFrameBytes: 64 * 1024,
  maxHeaders: 100,
  maxHeaderBytes: 8 * 1024,
};

export const CLIENT_COMMANDS = [
  'CONNECT', 'STOMP', 'SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT',
] as const;
export const SERVER_COMMANDS = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;

export function frame(command: string, headers: Record<string, string> | [string, string][] = {}, body: Buffer | string = ''): StompFrame {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  return {
    command,
    headers: new Map(entries),
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}
