import { SimpleBroker, type BrokerMessage, type Subscriber } from '@app/messaging';
import { ChatService, type ChatOptions } from '@app/chat';
import { openRepository, TransactionCounter, type OpenRepository } from './persistence-test.helpers';

/** Collects what a destination receives and lets a test await a condition on it. */
export class Recorder implements Subscriber {
  private static count = 0;
  readonly sessionId = `recorder-${++Recorder.count}`;
  readonly messages: BrokerMessage[] = [];
  private waiters: Array<{ done: (list: BrokerMessage[]) => boolean; resolve: () => void }> = [];

  /** Without a broker it only collects what `push` is given (a follow() callback). */
  constructor(broker?: SimpleBroker, destination?: string) {
    if (broker && destination) broker.subscribe(this, 'sub', destination);
  }

  deliver(message: BrokerMessage): void {
    this.push(message);
  }

  push(message: BrokerMessage): void {
    this.messages.push(message);
    this.waiters = this.waiters.filter((w) => (w.done(this.messages) ? (w.resolve(), false) : true));
  }

  until(done: (list: BrokerMessage[]) => boolean): Promise<void> {
    if (done(this.messages)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  ids(): number[] {
    return this.messages.map((m) => Number(m.headers.get('chat-id')));
  }

  bodies(): unknown[] {
    return this.messages.map((m) => JSON.parse(m.body.toString('utf8')));
  }
}

export interface ChatFixture extends OpenRepository {
  broker: SimpleBroker;
  chat: ChatService;
  counter: TransactionCounter;
}

export async function openChat(url = 'sqlite::memory:', options: ChatOptions = {}): Promise<ChatFixture> {
  const counter = new TransactionCounter();
  const db = await openRepository(url, { logger: counter });
  counter.transactions = 0; // the migrations' own
  const broker = new SimpleBroker();
  const chat = new ChatService(db.repository, broker, options);
  return {
    ...db,
    broker,
    chat,
    counter,
    close: async () => {
      await chat.beforeApplicationShutdown();
      await db.close();
    },
  };
}
