import { ChatClient, ChatClientError, type StateChange, type TransportKind } from '../../../libs/chat-client/src';
import { validateOutgoing, validateRoom, type ChatMessage } from './chat-message';
import { MessageLog } from './message-log';

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
    const previous = this.settings;
    if (previous?.room !== settings.room) {
      this.log.clear();
      this.view.resetMessages(settings.room);
    }
    // One connection per room, name (the session's login) and transport, as the page always had: any
    // change starts a new one.
    if (!this.client || previous?.room !== settings.room || previous.name !== settings.name || previous.transport !== settings.transport) {
      this.stop();
      this.client = this.newClient(settings);
    }
    this.settings = settings;
    this.view.showError(undefined);
    this.open();
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
    const client = new ChatClient({ url: this.base, transport: settings.transport, ...(settings.name && { name: settings.name }) });
    const current = (): boolean => client === this.client;
    client.on('state', (change) => {
      if (current()) this.connectionChanged(change);
    });
    client.on('joined', ({ room }) => {
      if (!current() || room !== this.settings?.room) return;
      // Whatever went wrong with the previous connection is over now.
      this.view.showError(undefined);
      this.setState('connected', `Connected · ${LABELS[client.transport]}`);
    });
    client.on('message', (message) => {
      if (current()) this.show(message);
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

  private show(message: ChatMessage): void {
    const settings = this.settings;
    if (!settings || message.room !== settings.room) return;
    const index = this.log.add(message);
    if (index !== undefined) this.view.insertMessage(message, index, message.from === settings.name);
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
