import { StompClientError } from '@app/stomp';

/**
 * The one catalogue of chat error codes. Every door maps the same code the same way: HTTP answers
 * `status` with `{"error": code, "message"}`, STOMP sends `{"error","message"}` to /user/queue/errors,
 * the plain WebSocket sends the same JSON. Codes are stable; messages are for people.
 */
export const CHAT_ERRORS = {
  'invalid-room': { status: 400, message: 'The room name must be 1 to 64 letters, digits, "_" or "-".' },
  'invalid-text': { status: 400, message: 'The text must be 1 to 4000 characters after trimming white space.' },
  'invalid-from': { status: 400, message: 'The sender name must be 1 to 64 characters without control, bidi or zero-width characters.' },
  'invalid-client-message-id': { status: 400, message: 'The client-message-id must be at most 64 printable characters.' },
  'invalid-query': { status: 400, message: 'The after and before ids must be whole numbers of 0 or more, and limit a whole number of 1 or more.' },
  'invalid-title': { status: 400, message: 'The title must be 1 to 100 characters without control, bidi or zero-width characters.' },
  'invalid-visibility': { status: 400, message: 'The visibility must be "public" or "private".' },
  'invalid-user': { status: 400, message: 'The user name must be 1 to 64 characters without control, bidi or zero-width characters.' },
  'invalid-message-id': { status: 400, message: 'The message id must be a whole number of 1 or more.' },
  'invalid-read-marker': { status: 400, message: 'The lastReadId must be the id of a message of the room: a whole number of 1 or more.' },
  'invalid-seconds': { status: 400, message: 'The seconds must be a whole number from 1 to 2592000 (30 days).' },
  'invalid-reason': { status: 400, message: 'The reason must be a string of at most 500 characters.' },
  'unauthorized': { status: 401, message: 'This needs a signed-in user.' },
  'forbidden': { status: 403, message: 'You may not do that in this room.' },
  'not-author': { status: 403, message: 'Only the author may edit this message.' },
  'edit-window-passed': { status: 403, message: 'The time to edit this message has passed.' },
  'muted': { status: 403, message: 'You are muted in this room for now.' },
  'banned': { status: 403, message: 'You are banned from this room.' },
  'not-found': { status: 404, message: 'There is no such room, or it is not visible to you.' },
  'unknown-message': { status: 404, message: 'There is no message with this id in the room.' },
  'room-exists': { status: 409, message: 'A room with this name exists already.' },
  'message-deleted': { status: 409, message: 'The message has been deleted.' },
  'bad-json': { status: 400, message: 'The body is not a valid JSON object.' },
  'unsupported-media-type': { status: 415, message: 'The body must be JSON (content-type: application/json).' },
  'body-too-large': { status: 413, message: 'The body is larger than the server accepts.' },
  'store-busy': { status: 503, message: 'Too many messages are waiting to be stored; retry shortly.' },
  'store-failed': { status: 503, message: 'The message could not be stored; retry later.' },
  'shutting-down': { status: 503, message: 'The server is shutting down; retry on another one.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ChatErrorCode = keyof typeof CHAT_ERRORS;

/** A chat failure that is the client's business: a stable code, one sentence, an HTTP status. */
export class ChatError extends StompClientError {
  override readonly name = 'ChatError';
  readonly status: number;

  constructor(
    override readonly code: ChatErrorCode,
    message: string = CHAT_ERRORS[code].message,
  ) {
    super(code, message);
    this.status = CHAT_ERRORS[code].status;
  }

  /** The body every door sends: `{"error","message"}`. */
  toJSON(): { error: ChatErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}

export function isChatError(error: unknown): error is ChatError {
  return error instanceof ChatError;
}
