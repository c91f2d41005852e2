import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { recentRefusals } from './recent-refusals';

/**
 * One log record with fields beyond its message: `logger.warn({ msg: 'refused', remoteAddress })`.
 * LOG_FORMAT=json writes the fields as keys of the line's object; text writes them as `key=value`.
 */
export interface LogRecord {
  msg: string;
  sessionId?: string;
  user?: string;
  door?: string;
  remoteAddress?: string;
  [field: string]: unknown;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Characters that could forge or hide a log line: C0 and C1 controls (a line break starts a fake
 * record, ESC drives the terminal), DEL, the Unicode line separators, and bidi controls (an RTL override
 * makes the line read differently from what it holds). Client-chosen text (destinations, names, ids)
 * reaches logs inside messages, so every message goes through here.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every unsafe character written as an escape (`\n`, `\x1b`, `\u202e`). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

export interface AppLoggerOptions {
  /** The most verbose level written (LOG_LEVEL). */
  level: LogLevel;
  /** LOG_FORMAT. */
  format: 'text' | 'json';
  colors?: boolean;
}

/**
 * The process's logger (LOG_LEVEL, LOG_FORMAT): Nest's ConsoleLogger for people, one JSON object per
 * line (`level`, `time`, `msg`, `context`, and the record's fields) for programs. Either way one record
 * is one line: control characters in messages and fields are escaped, so what a client sends can never
 * start a line of its own. Stack traces (text) are the one multi-line output; each of their lines after
 * the first is indented, so a line that starts at column 0 is always a record.
 */
export class AppLogger extends ConsoleLogger {
  private readonly json: boolean;

  constructor(options: AppLoggerOptions) {
    super({ logLevels: LEVELS.slice(0, LEVELS.indexOf(options.level) + 1), colors: options.colors ?? false });
    this.json = options.format === 'json';
  }

  /** Warnings about a connection are refusals or faults: the admin view lists the latest ones. */
  override warn(message: unknown, ...optional: unknown[]): void {
    const context = typeof optional[optional.length - 1] === 'string' ? (optional[optional.length - 1] as string) : this.context;
    recentRefusals.note(message, context);
    super.warn(message, ...(optional as [string]));
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    if (!this.json) return super.printMessages(messages, context, logLevel, writeStreamType, errorStack);
    for (const message of messages) {
      const record: Record<string, unknown> = { level: logLevel, time: new Date().toISOString(), ...fieldsOf(message) };
      if (context) record.context = context;
      if (errorStack !== undefined) record.stack = String(errorStack);
      // JSON.stringify escapes C0 controls; the rest become \u escapes too, which parse back to the same value.
      process[writeStreamType ?? 'stdout'].write(`${JSON.stringify(record).replace(UNSAFE, unicodeEscape)}\n`);
    }
  }

  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    if (typeof message === 'string') return super.stringifyMessage(escapeControl(message), logLevel);
    if (isRecord(message)) {
      const { msg, ...fields } = message;
      const pairs = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${escapeControl(k)}=${quoted(v)}`);
      return super.stringifyMessage(escapeControl([msg, ...pairs].join(' ')), logLevel);
    }
    return escapeControl(super.stringifyMessage(message, logLevel));
  }

  protected override printStackTrace(stack: string): void {
    if (!stack || this.json) return;
    const lines = stack.split(/\r\n|\n/).map((line, i) => {
      const safe = escapeControl(line);
      return i === 0 || /^\s/.test(safe) ? safe : `    ${safe}`;
    });
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

function isRecord(message: unknown): message is LogRecord {
  return typeof message === 'object' && message !== null && typeof (message as { msg?: unknown }).msg === 'string';
}

/** The JSON keys of one message: a record's fields, or `msg` alone. */
function fieldsOf(message: unknown): Record<string, unknown> {
  if (isRecord(message)) return { ...message };
  if (typeof message === 'string') return { msg: message };
  if (message instanceof Error) return { msg: message.message };
  if (typeof message !== 'object' || message === null) return { msg: String(message) };
  try {
    return { msg: JSON.stringify(message) };
  } catch {
    return { msg: String(message) };
  }
}

/** A field's value for a text line: bare when it is one plain word, else JSON-quoted. */
function quoted(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return /^[\w.:/@[\]-]+$/.test(text) ? text : JSON.stringify(text);
}
