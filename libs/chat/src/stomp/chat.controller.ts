import { Inject, Injectable } from '@nestjs/common';
import { MessagingTemplate } from '@app/messaging';
import {
  DestinationVariable,
  Header,
  MessageMapping,
  Payload,
  Principal,
  Session,
  SubscribeMapping,
} from '@app/message-routing';
import type { SessionContext } from '@app/stomp-session';
import { CHAT_API, type ChatApi } from '../chat-api.port';
import { ChatError } from '../chat-error';
import { formatTime, renderStoredMessage, type StoredMessageJson } from '../chat-message.render';
import { ChatService, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from '../chat.service';
import { messageFields, validatePost } from '../post-message.dto';
import { SignedInNames } from './signed-in-names';

type Body = Record<string, unknown>;

/** The chat's STOMP handlers: CONTRACT.md's destination table, as Spring @Controller methods. */
@Injectable()
export class ChatController {
  constructor(
    @Inject(CHAT_API) private readonly chat: ChatApi,
    private readonly service: ChatService,
    private readonly template: MessagingTemplate,
    private readonly signedIn: SignedInNames,
  ) {}

  /** The seed's flow: stored in room `messages`, broadcast to /topic/messages as {from,text,time}. */
  @MessageMapping('/chat')
  async legacyChat(@Payload() body: Body, @Principal() user?: string, @Header('client-message-id') clientMessageId?: string): Promise<void> {
    const { from, text } = messageFields(body);
    await this.service.postChat({ from, text, clientMessageId }, user);
  }

  /** Stored, then broadcast to /topic/rooms/{room} by the chat service (once, in id order). */
  @MessageMapping('/rooms/{room}')
  async post(
    @DestinationVariable('room') room: string,
    @Payload() body: Body,
    @Principal() user?: string,
    @Header('client-message-id') clientMessageId?: string,
  ): Promise<void> {
    const { from, text } = messageFields(body);
    await this.chat.post({ room, from, text, clientMessageId }, user);
  }

  /**
   * One reply to this subscription only: the room's latest messages, oldest first; with header `before: ID`
   * the ones just below ID, so a client scrolls back page by page (#13).
   */
  @SubscribeMapping('/rooms/{room}/history')
  async history(
    @DestinationVariable('room') room: string,
    @Header('limit') limit?: string,
    @Header('before') before?: string,
  ): Promise<StoredMessageJson[]> {
    const messages = await this.chat.messages(room, { limit: parseLimit(limit), before: parseBefore(before) });
    return messages.map(renderStoredMessage);
  }

  /** A direct message: every session of the recipient and of the sender, on /user/queue/messages. Not stored. */
  @MessageMapping('/dm/{user}')
  dm(@DestinationVariable('user') to: string, @Payload() body: Body, @Session() ctx: SessionContext): void {
    const principal = ctx.principal?.name;
    const fields = messageFields(body);
    const post = validatePost({ room: 'dm', from: principal ?? fields.from, text: fields.text });
    validatePost({ room: 'dm', from: to, text: 'x' });
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

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_HISTORY_LIMIT;
  if (!/^\d{1,6}$/.test(limit)) throw new ChatError('invalid-query', 'limit must be a whole number from 1 to 500.');
  return Math.min(Math.max(Number(limit), 1), MAX_HISTORY_LIMIT);
}
