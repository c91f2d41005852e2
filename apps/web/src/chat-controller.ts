import { backoffDelay } from './backoff';
import { validateOutgoing, validateRoom, type ChatMessage } from './chat-message';
import { MessageLog } from './message-log';
import { connectLongPoll } from './transports/long-poll.transport';
import { connectSocketIo } from './transports/socketio.transport';
import { connectSse } from './transports/sse.transport';
import { connectStomp } from './transports/stomp.transport';
import { SendError, type FeedHandlers, type RoomConnection, type RoomOptions, type TransportKind } from './transports/transport';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'offline';

export interface Settings {
  name: string;
  room: string;
  transport: TransportKind;
}

/** What the controller needs from the page; main.ts implements it over the DOM. */
export interface ChatView {
  setStatus(state: ConnectionState, text: string): void;
  setCanSend(canSend: boolean): void;
  showError(text: string | undefined): void;
  resetMessages(room: string): void;
  insertMessage(message: ChatMessage, index: number, mine: boolean): void;
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

function connectTo(kind: TransportKind, opts: RoomOptions, h: FeedHandlers): RoomConnection {
  if (kind === 'sse') return connectSse(opts, h);
  if (kind === 'long-polling') return connectLongPoll(opts, h);
  if (kind === 'socketio' || kind === 'socketio-polling') return connectSocketIo(kind, opts, h);
  return connectStomp(kind, opts, h);
}

function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Owns the one live connection: connects, reconnects with backoff, resumes from the last id the room's
 * feed delivered (not the highest id shown: a POST answer may be shown before older broadcasts arrive),
 * and keeps each message id on the page once.
 */
export class ChatController {
  private settings: Settings | undefined;
  private connection: RoomConnection | undefined;
  private generation = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private cursor: number | undefined;
  private readonly log = new MessageLog();
  private state: ConnectionState = 'idle';
  private draft: { text: string; id: string } | undefined;
  private sending = false;

  constructor(
    private readonly view: ChatView,
    private readonly base: URL,
    private readonly isOnline: () => boolean = () => navigator.onLine,
  ) {}

  /** Connects with these settings; a call with a new room starts that room's history afresh. */
  connect(settings: Settings): void {
    const roomError = validateRoom(settings.room);
    if (roomError) {
      this.stop();
      this.view.showError(roomError);
      this.setState('idle', 'Pick a room');
      return;
    }
    if (this.settings?.room !== settings.room) {
      this.log.clear();
      this.cursor = undefined;
      this.view.resetMessages(settings.room);
    }
    this.settings = settings;
    this.attempt = 0;
    this.view.showError(undefined);
    this.open();
  }

  /** The browser says the network is gone or back. */
  networkChanged(): void {
    if (!this.settings) return;
    if (this.isOnline()) {
      if (this.state === 'offline') this.open();
      return;
    }
    this.stop();
    this.setState('offline', 'Offline: waiting for the network');
  }

  async send(text: string): Promise<boolean> {
    const settings = this.settings;
    const connection = this.connection;
    const invalid = validateOutgoing(settings?.name ?? '', text);
    if (invalid || !settings || !connection || this.state !== 'connected' || this.sending) {
      this.view.showError(invalid ?? (this.sending ? undefined : 'Not connected yet.'));
      return false;
    }
    // Sending the same text again after a failure reuses its id, so a retry is stored once.
    if (this.draft?.text !== text) this.draft = { text, id: newClientMessageId() };
    const generation = this.generation;
    this.sending = true;
    this.updateCanSend();
    try {
      const stored = await connection.send(text.trim(), this.draft.id);
      this.draft = undefined;
      if (stored && generation === this.generation) this.show([stored], false);
      this.view.showError(undefined);
      return true;
    } catch (error) {
      this.view.showError(error instanceof SendError ? error.message : 'The message could not be sent.');
      return false;
    } finally {
      this.sending = false;
      this.updateCanSend();
    }
  }

  private open(): void {
    const settings = this.settings;
    if (!settings) return;
    this.stop();
    if (!this.isOnline()) {
      this.setState('offline', 'Offline: waiting for the network');
      return;
    }
    const generation = ++this.generation;
    const live = (): boolean => generation === this.generation;
    this.setState('connecting', `Connecting (${LABELS[settings.transport]})…`);
    this.connection = connectTo(
      settings.transport,
      { room: settings.room, name: settings.name, sinceId: this.cursor, base: this.base },
      {
        onOpen: () => {
          if (!live()) return;
          this.attempt = 0;
          // Whatever went wrong with the previous connection is over now.
          this.view.showError(undefined);
          this.setState('connected', `Connected · ${LABELS[settings.transport]}`);
        },
        onMessages: (messages) => {
          if (live()) this.show(messages, true);
        },
        onNotice: (text) => {
          if (live()) this.view.showError(text);
        },
        onClose: () => {
          if (!live()) return;
          this.connection = undefined;
          this.scheduleRetry();
        },
      },
    );
  }

  private scheduleRetry(): void {
    if (!this.isOnline()) {
      this.setState('offline', 'Offline: waiting for the network');
      return;
    }
    const delay = backoffDelay(this.attempt++);
    this.setState('waiting', `Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s…`);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.generation++;
    this.connection?.close();
    this.connection = undefined;
  }

  private show(messages: ChatMessage[], fromFeed: boolean): void {
    const settings = this.settings;
    if (!settings) return;
    for (const message of messages) {
      if (message.room !== settings.room) continue;
      if (fromFeed) this.cursor = Math.max(this.cursor ?? 0, message.id);
      const index = this.log.add(message);
      if (index !== undefined) this.view.insertMessage(message, index, message.from === settings.name);
    }
    // An empty history still moves the cursor: a reconnect must replay from 0, not reload history.
    if (fromFeed && this.cursor === undefined) this.cursor = 0;
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
