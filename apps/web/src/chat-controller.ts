import { ChatClient, ChatClientError, type RoomEvent, type StateChange, type TransportKind } from '../../../libs/chat-client/src';
import { validateOutgoing, validateRoom, type ChatMessage } from './chat-message';
import { MessageLog, tombstoneOf } from './message-log';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'offline';

export interface Settings {
  name: string;
  room: string;
  transport: TransportKind;
  /** A JWT when the server asks for one; `name` is then its `sub`. */
  token?: string;
}

/** The room the page shows now, as features (room list, people, typing, paging) need it. */
export interface RoomSession {
  room: string;
  name: string;
  token?: string;
  transport: TransportKind;
}

/**
 * A part of the page that follows the room (its list, its people, who is typing, read markers). Each is
 * told what happens; what it does about it is its own business.
 */
export interface RoomFeature {
  /** Another room is shown now, or another user shows it (its messages were cleared). */
  roomChanged?(session: RoomSession): void;
  /** The room's feed is live: first join and every resume. */
  opened?(session: RoomSession): void;
  /** Messages shown for the first time (not the older ones paged in). */
  shown?(messages: ChatMessage[]): void;
  event?(event: RoomEvent): void;
}

/** What the controller needs from the page; main.ts implements it over the DOM. */
export interface ChatView {
  setStatus(state: ConnectionState, text: string): void;
  setCanSend(canSend: boolean): void;
  showError(text: string | undefined): void;
  resetMessages(room: string): void;
  insertMessage(message: ChatMessage, index: number, mine: boolean): void;
  /** A shown message changed: edited, or deleted (a tombstone). */
  updateMessage(message: ChatMessage, mine: boolean): void;
}

const LABELS: Record<TransportKind, string> = {
  websocket: 'WebSocket',
  sockjs: 'SockJS',
  'sockjs-websocket': 'SockJS websocket',
  'sockjs-xhr-streaming': 'SockJS xhr-streaming',
  'sockjs-xhr-polling': 'SockJS xhr-polling',
  'sockjs-eventsource': 'SockJS eventsource',
  'sockjs-htmlfile': 'SockJS htmlfile',
  'sockjs-jsonp-polling': 'SockJS jsonp-polling',
  sse: 'SSE',
  'long-polling': 'Long polling',
  socketio: 'Socket.IO',
  'socketio-polling': 'Socket.IO polling',
};

/**
 * The page's side of the chat client library (libs/chat-client), which reconnects, resumes the room
 * with no gap and no duplicate and retries sends: this shows the room it follows, says how the
 * connection is, and keeps each message id on the page once (a POST answer is shown before its
 * broadcast arrives).
 */
export class ChatController {
  private settings: Settings | undefined;
  private client: ChatClient | undefined;
  private readonly log = new MessageLog();
  private state: ConnectionState = 'idle';
  private draft: { text: string; id: string } | undefined;
  private sending = false;
  private readonly features: RoomFeature[] = [];

  constructor(
    private readonly view: ChatView,
    private readonly base: URL,
    private readonly isOnline: () => boolean = () => navigator.onLine,
  ) {}

  use(feature: RoomFeature): void {
    this.features.push(feature);
  }

  /** The room shown now, once settings are valid. */
  get session(): RoomSession | undefined {
    const s = this.settings;
    return s && { room: s.room, name: s.name, transport: s.transport, ...(s.token && { token: s.token }) };
  }

  /** How many messages are shown. */
  get shownCount(): number {
    return this.log.size;
  }

  /** The oldest message shown: paging back starts below it. */
  get oldestId(): number | undefined {
    return this.log.oldest;
  }

  /** A message shown now, in its current state. */
  messageById(id: number): ChatMessage | undefined {
    return this.log.get(id);
  }

  /** Connects with these settings; a call with a new room starts that room's history afresh. */
  connect(settings: Settings): void {
    const roomError = validateRoom(settings.room);
    if (roomError) {
      this.stop();
      this.view.showError(roomError);
      this.setState('idle', 'Pick a room');
      return;
    }
    const previous = this.settings;
    // Another user (a new name or token) sees other messages as theirs and may be let into other rooms.
    const fresh = previous?.room !== settings.room || previous.name !== settings.name || previous.token !== settings.token;
    if (fresh) {
      this.log.clear();
      this.view.resetMessages(settings.room);
    }
    // One connection per room, user and transport, as the page always had: any change starts a new one.
    if (!this.client || fresh || previous?.transport !== settings.transport) {
      this.stop();
      this.client = this.newClient(settings);
    }
    this.settings = settings;
    this.view.showError(undefined);
    if (fresh) this.tell((f) => f.roomChanged?.(this.session!));
    this.open();
  }

  /** Older messages of the room shown, to page back: the `limit` just below `before`. */
  olderThan(before: number, limit: number): Promise<ChatMessage[]> {
    const { client, room } = this.current();
    return client.history(room, { before, limit });
  }

  /** Shows a page of older messages in place (they are not the feed's: nothing else hears of them). */
  showOlder(messages: ChatMessage[]): void {
    for (const message of messages) this.place(message);
  }

  /** The author's edit; shown at once (long polling carries no edit event to show it by). */
  async edit(message: ChatMessage, text: string): Promise<void> {
    const { client, room } = this.current();
    await client.edit(room, message.id, text);
    if (client === this.client) this.revise({ ...message, text, editedAt: new Date().toISOString() });
  }

  /** The author's or a moderator's deletion; the message becomes a tombstone at once. */
  async delete(message: ChatMessage): Promise<void> {
    const { client, room } = this.current();
    await client.delete(room, message.id);
    if (client === this.client) this.revise(tombstoneOf(message));
  }

  /** Moves the user's read marker of the room shown forward. */
  async markRead(lastReadId: number): Promise<void> {
    const { client, room } = this.current();
    await client.markRead(room, lastReadId);
  }

  /**
   * Tells the room that the user is typing (or stopped), where the transport carries it. A signal that
   * does not get through (SSE and long polling carry none; the rate limit) is nothing the user needs to
   * hear about.
   */
  typing(typing: boolean): void {
    if (this.state !== 'connected' || !this.client || !this.settings) return;
    this.client.typing(this.settings.room, typing).catch(() => undefined);
  }

  /** The browser says the network is gone or back. */
  networkChanged(): void {
    if (!this.settings || !this.client) return;
    if (this.isOnline()) {
      if (this.state === 'offline') this.open();
      return;
    }
    this.client.disconnect();
    this.setState('offline', 'Offline: waiting for the network');
  }

  async send(text: string): Promise<boolean> {
    const settings = this.settings;
    const client = this.client;
    const invalid = validateOutgoing(settings?.name ?? '', text);
    if (invalid || !settings || !client || this.state !== 'connected' || this.sending) {
      this.view.showError(invalid ?? (this.sending ? undefined : 'Not connected yet.'));
      return false;
    }
    // The library retries a send that may have got lost; sending the same text again after a failure
    // reuses its id too, so that it is stored once whatever happened.
    if (this.draft?.text !== text) this.draft = { text, id: newClientMessageId() };
    this.sending = true;
    this.updateCanSend();
    try {
      const stored = await client.send(settings.room, text, { clientMessageId: this.draft.id });
      this.draft = undefined;
      if (stored && client === this.client) this.show(stored);
      this.view.showError(undefined);
      return true;
    } catch (error) {
      this.view.showError(error instanceof ChatClientError ? error.message : 'The message could not be sent.');
      return false;
    } finally {
      this.sending = false;
      this.updateCanSend();
    }
  }

  private newClient(settings: Settings): ChatClient {
    const client = new ChatClient({
      url: this.base,
      transport: settings.transport,
      ...(settings.name && { name: settings.name }),
      ...(settings.token && { token: settings.token }),
    });
    const current = (): boolean => client === this.client;
    client.on('state', (change) => {
      if (current()) this.connectionChanged(change);
    });
    client.on('joined', ({ room }) => {
      if (!current() || room !== this.settings?.room) return;
      // Whatever went wrong with the previous connection is over now.
      this.view.showError(undefined);
      this.setState('connected', `Connected · ${LABELS[client.transport]}`);
      this.tell((f) => f.opened?.(this.session!));
    });
    client.on('message', (message) => {
      if (current()) this.show(message);
    });
    client.on('event', (event) => {
      if (current()) this.applyEvent(event);
    });
    client.on('error', (error) => {
      if (current()) this.view.showError(error.message);
    });
    return client;
  }

  /** Follows the settings' room, unless the network is known to be gone. */
  private open(): void {
    const settings = this.settings;
    const client = this.client;
    if (!settings || !client) return;
    if (!this.isOnline()) {
      client.disconnect();
      this.setState('offline', 'Offline: waiting for the network');
      return;
    }
    this.setState('connecting', `Connecting (${LABELS[settings.transport]})…`);
    client.connect().catch(() => undefined);
    const current = (): boolean => client === this.client && settings.room === this.settings?.room;
    client.join(settings.room).then(
      // Already following the room (Connect pressed again): no joined event comes, it is live now.
      () => {
        if (current() && client.state === 'connected') this.setState('connected', `Connected · ${LABELS[client.transport]}`);
      },
      (error: unknown) => {
        if (current()) this.view.showError(error instanceof ChatClientError ? error.message : 'Could not join the room.');
      },
    );
  }

  private connectionChanged(change: StateChange): void {
    const settings = this.settings;
    if (!settings || this.state === 'offline') return;
    // "Connected" waits for the room's feed (the joined event): a session alone shows nothing yet.
    if (change.state === 'connecting') this.setState('connecting', `Connecting (${LABELS[settings.transport]})…`);
    if (change.state === 'reconnecting') {
      if (!this.isOnline()) {
        this.client?.disconnect();
        this.setState('offline', 'Offline: waiting for the network');
        return;
      }
      this.setState('waiting', `Reconnecting in ${Math.max(1, Math.round((change.delayMs ?? 0) / 1000))} s…`);
    }
  }

  private stop(): void {
    this.client?.close();
    this.client = undefined;
  }

  /** A message of the room's feed (or a POST answer): shown once, then the features hear of it. */
  private show(message: ChatMessage): void {
    if (this.place(message)) this.tell((f) => f.shown?.([message]));
  }

  /** Puts the message in its place; true when it was not shown before. */
  private place(message: ChatMessage): boolean {
    const settings = this.settings;
    if (!settings || message.room !== settings.room) return false;
    const index = this.log.add(message);
    if (index === undefined) {
      // A replay or a page of history can carry a newer state of a message already shown.
      this.revise(message);
      return false;
    }
    this.view.insertMessage(message, index, message.from === settings.name);
    return true;
  }

  /** A newer state of a shown message (an edit, a tombstone), drawn when it changes what is shown. */
  private revise(message: ChatMessage): void {
    const settings = this.settings;
    if (settings && message.room === settings.room && this.log.update(message)) this.view.updateMessage(message, message.from === settings.name);
  }

  private applyEvent(event: RoomEvent): void {
    const settings = this.settings;
    if (!settings || event.room !== settings.room) return;
    if (event.type === 'edit') this.revise(event.message);
    if (event.type === 'delete') {
      const shown = this.log.get(event.id);
      if (shown) this.revise(tombstoneOf(shown));
    }
    this.tell((f) => f.event?.(event));
  }

  /** The client and room that calls act on; throws when there is none (they are made once connected). */
  private current(): { client: ChatClient; room: string } {
    const client = this.client;
    const room = this.settings?.room;
    if (!client || room === undefined) throw new ChatClientError('not-connected', 'Not connected yet.');
    return { client, room };
  }

  /** A feature that throws must not take the feed down with it. */
  private tell(call: (feature: RoomFeature) => void): void {
    for (const feature of this.features) {
      try {
        call(feature);
      } catch (error) {
        console.error(error);
      }
    }
  }

  private setState(state: ConnectionState, text: string): void {
    this.state = state;
    this.view.setStatus(state, text);
    this.updateCanSend();
  }

  private updateCanSend(): void {
    this.view.setCanSend(this.state === 'connected' && !this.sending);
  }
}

function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
