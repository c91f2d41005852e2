import type { MessageWriterOptions } from './message.writer';

export interface ChatOptions {
  writer?: MessageWriterOptions;
  /** Stored messages read per query when a follower catches up. */
  replayPageSize?: number;
  /** How long after sending its author may edit a message (EDIT_WINDOW_SEC); 0: never. Default 900. */
  editWindowSec?: number;
}

/** Optional Nest token for ChatOptions. */
export const CHAT_OPTIONS = Symbol('ChatOptions');
