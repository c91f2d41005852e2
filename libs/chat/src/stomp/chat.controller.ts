import { Inject, Injectable } from '@nestjs/common';
import { AsyncApiOperation, AsyncApiPublishes } from '@app/stomp';
import { MessagingTemplate } from '@app/messaging';
import {
  DestinationVariable,
  Header,
  MessageMapping,
  Payload,
  Session,
  SubscribeMapping,
} from '@app/message-routing';
import type { SessionContext } from '@app/stomp-session';
import { CHAT_API, type ChatApi } from '../chat-api.port';
import { ChatError } from '../chat-error';
import { formatTime, renderStoredMessage, type StoredMessageJson } from '../chat-message.render';
import {
  CHAT_FEED_MESSAGE_SCHEMA, CHAT_POST_SCHEMA, DIRECT_MESSAGE_POST_SCHEMA, DIRECT_MESSAGE_SCHEMA, HISTORY_SCHEMA, PRESENCE_SNAPSHOT_SCHEMA,
  ROOM_EVENT_SCHEMA, ROOM_POST_SCHEMA, STORED_MESSAGE_SCHEMA, TYPING_POST_SCHEMA,
} from '../chat-schemas';
import { ChatService, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from '../chat.service';
import { validatePost, validateRoom } from '../post-message.dto';
import { ChatMessageBody } from './chat-message.body';
import { UserNamePipe } from './user-name.pipe';
import { SignedInNames } from './signed-in-names';
import { RoomPresence, type PresenceSnapshot } from '../presence/room-presence';
import { RoomTyping } from '../presence/room-typing';


/**
 * The chat's STOMP handlers, as Spring @Controller methods. The @AsyncApi decorators say what the
 * generated AsyncAPI document cannot read from the methods: body shapes, and where the chat service publishes.
 */
@Injectable()
export class ChatController {
  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    private readonly service: ChatService,
    private readonly template: MessagingTemplate,
    private readonly signedIn: SignedInNames,
    private readonly presence: RoomPresence,
    private readonly typists: RoomTyping,
  ) {}

  /** One reply: the users in the room now, on every node and door. */
  @SubscribeMapping('/rooms/{room}/presence')
  @AsyncApiOperation({ summary: 'Who is in the room now (users, on every node and door), once, to this subscription only.', reply: PRESENCE_SNAPSHOT_SCHEMA })
  @AsyncApiPublishes('/topic/rooms/{room}/events', {
    summary: 'Room events: joins and leaves, typing; never stored.',
    description: 'A join when a user\'s first connection starts following the room (a STOMP subscription to its topic, an SSE stream, a plain WebSocket), a leave when their last one ends.',
    payload: ROOM_EVENT_SCHEMA,
  })
  roomPresence(@DestinationVariable('room') room: string): PresenceSnapshot {
    return this.presence.snapshot(validateRoom(room));
  }

  /** `{"typing":true|false}` (empty = true): a room event, never stored, throttled, ending by itself. */
  @MessageMapping('/rooms/{room}/typing')
  @AsyncApiOperation({
    summary: 'Say that you are typing (or stopped): a room event on /topic/rooms/{room}/events, never stored.',
    description: 'Needs a named session (CONNECT login, or a token). An empty body means typing.',
    payload: TYPING_POST_SCHEMA,
  })
  @AsyncApiPublishes('/topic/rooms/{room}/events', { payload: ROOM_EVENT_SCHEMA })
  typing(@DestinationVariable('room') room: string, @Payload() body: string, @Session() ctx: SessionContext): void {
    validateRoom(room);
    if (ctx.principal === undefined) throw new ChatError('invalid-from', 'Typing needs a name: CONNECT with a login or a token.');
    this.typists.typing(room, ctx.principal, typingFlag(body));
  }

  /** The seed's flow: stored in room `messages`, broadcast to /topic/messages as {from,text,time}. */
  @MessageMapping('/chat')
  @AsyncApiOperation({ summary: 'Post to room `messages`, the seed\'s single room.', payload: CHAT_POST_SCHEMA })
  @AsyncApiPublishes('/topic/messages', { summary: 'Every message of room `messages`, in the seed\'s shape.', payload: CHAT_FEED_MESSAGE_SCHEMA })
  async postToMessagesFeed(@Payload() body: ChatMessageBody, @Session() ctx: SessionContext, @Header('client-message-id') clientMessageId?: string): Promise<void> {
    await this.service.postChat({ from: body.from, text: body.text, clientMessageId }, ctx.principal);
  }

  /** Stored, then broadcast to /topic/rooms/{room} by the chat service (once, in id order). */
  @MessageMapping('/rooms/{room}')
  @AsyncApiOperation({
    summary: 'Post a message to a room: validated, stored, then published.',
    description: 'A `receipt` header is answered once the message is durably stored; the same `client-message-id` from the same sender in the same room is stored once.',
    payload: ROOM_POST_SCHEMA,
  })
  @AsyncApiPublishes('/topic/rooms/{room}', {
    summary: 'Every stored message of the room, in id order.',
    description: 'SUBSCRIBE header `since-id: N` first replays the stored messages with id > N, then goes live: no gap, no duplicate. SEND here directly is refused (`forbidden-destination`).',
    payload: STORED_MESSAGE_SCHEMA,
  })
  async post(
    @DestinationVariable('room') room: string,
    @Payload() body: ChatMessageBody,
    @Session() ctx: SessionContext,
    @Header('client-message-id') clientMessageId?: string,
  ): Promise<void> {
    const { from, text } = body;
    await this.chat.post({ room, from, text, clientMessageId }, ctx.principal);
  }

  /**
   * One reply to this subscription only: the room's latest messages, oldest first; with header `before: ID`
   * the ones just below ID, so a client scrolls back page by page (#13).
   */
  @SubscribeMapping('/rooms/{room}/history')
  @AsyncApiOperation({
    summary: 'The room\'s latest messages, oldest first, once, to this subscription only.',
    description: 'SUBSCRIBE headers: `limit`, how many (default 50, at most 500); `before: ID`, the ones just below ID (paging back).',
    reply: HISTORY_SCHEMA,
  })
  async history(
    @DestinationVariable('room') room: string,
    @Session() ctx: SessionContext,
    @Header('limit') limit?: string,
    @Header('before') before?: string,
  ): Promise<StoredMessageJson[]> {
    const messages = await this.chat.messages(room, { limit: parseLimit(limit), before: parseBefore(before) }, ctx.principal);
    return messages.map(renderStoredMessage);
  }

  /** A direct message: every session of the recipient and of the sender, on /user/queue/messages. Not stored. */
  @MessageMapping('/dm/{user}')
  @AsyncApiOperation({ summary: 'A direct message to a user; not stored.', payload: DIRECT_MESSAGE_POST_SCHEMA })
  @AsyncApiPublishes('/user/queue/messages', {
    summary: 'Direct messages: to every session of the recipient, and of the sender.',
    payload: DIRECT_MESSAGE_SCHEMA,
  })
  dm(@DestinationVariable('user', UserNamePipe) to: string, @Payload() body: ChatMessageBody, @Session() ctx: SessionContext): void {
    const principal = ctx.principal?.name;
    const post = validatePost({ room: 'dm', from: principal ?? body.from, text: body.text });
    // An anonymous session may pick any name, but not one a signed-in user is using right now, nor one
    // that only looks like it (case, width, invisible characters, confusable letters).
    if (!principal && this.signedIn.claimed(post.from)) {
      throw new ChatError('invalid-from', `The name "${post.from}" belongs to a signed-in user; sign in to use it.`);
    }
    const now = new Date();
    const message = { from: post.from, to, text: post.text, sentAt: now.toISOString(), time: formatTime(now) };
    this.template.convertAndSendToUser(to, '/queue/messages', message);
    if (principal === to) return;
    if (principal) this.template.convertAndSendToUser(principal, '/queue/messages', message);
    else this.template.convertAndSendToSession(ctx.sessionId, '/queue/messages', message);
  }
}

function parseBefore(before: string | undefined): number | undefined {
  if (before === undefined) return undefined;
  if (!/^\d{1,15}$/.test(before)) throw new ChatError('invalid-query', 'before must be a message id: a whole number of 0 or more.');
  return Number(before);
}

/** The body of a typing SEND: empty means typing; otherwise `{"typing": boolean}`. */
function typingFlag(body: string): boolean {
  if (body.trim() === '') return true;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ChatError('bad-json');
  }
  const typing = (json as { typing?: unknown } | null)?.typing;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || (typing !== undefined && typeof typing !== 'boolean')) throw new ChatError('bad-json');
  return typing ?? true;
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_HISTORY_LIMIT;
  if (!/^\d{1,6}$/.test(limit)) throw new ChatError('invalid-query', 'limit must be a whole number from 1 to 500.');
  return Math.min(Math.max(Number(limit), 1), MAX_HISTORY_LIMIT);
}
