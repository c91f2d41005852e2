import { Logger } from '@nestjs/common';
import { ChatError } from './chat-error';
import type { AppendResult, ChatRepository, NewMessage } from './chat-repository.port';

export interface MessageWriterOptions {
  /** Most messages in one transaction. */
  maxBatch?: number;
  /**
   * Most messages waiting behind the batch being committed; beyond it write() fails with `store-busy`
   * (once that batch is done).
   */
  maxQueue?: number;
  /**
   * Batches handed to the repository at once (default: the repository's parallelAppends, else 1). Above 1 for a database that commits
   * transactions in parallel on pooled connections (PostgreSQL): while one batch commits, the next ones
   * are already on their way. They are still published in the order they were started.
   */
  concurrency?: number;
}

/** What one stored batch cost: for a latency histogram. */
export interface StoredBatch {
  messages: number;
  /** From handing the batch to the repository until it answered (commit included). */
  storeMs: number;
  /** From then until the batch was published (waiting for earlier batches, then fan-out). */
  publishMs: number;
}

export interface CommittedWrite<C> {
  result: AppendResult;
  context: C;
}

export interface MessageWriterStats {
  /** Transactions committed. */
  batches: number;
  /** Messages in those transactions (duplicates included). */
  messages: number;
  /** Messages waiting now. */
  queued: number;
}

interface Pending<C> {
  message: NewMessage;
  context: C;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Writes queue up while one batch is being committed; when it is done, everything
 * that queued meanwhile (up to maxBatch) goes in the next transaction. Under load a commit's cost is
 * shared by hundreds of messages; when idle a message waits only for the current I/O turn.
 *
 * Batches are published in the order they were started. With one batch at a time (the default) ids
 * grow in queue order and `onCommitted` (which publishes) sees them in id order; with several, ids
 * follow queue order within each room (the repository's room lock), which is the order a room's feed
 * keeps. A write's promise settles after `onCommitted` has run for its batch.
 */
export class MessageWriter<C = undefined> {
  private readonly logger = new Logger('MessageWriter');
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly concurrency: number;
  private queue: Pending<C>[] = [];
  /** Batches handed to the repository, oldest first: published in this order. */
  private readonly started: Array<{ batch: Pending<C>[]; stored: Promise<AppendResult[]>; storedAt: { begun: number; at: number } }> = [];
  private readonly batchListeners: Array<(batch: StoredBatch) => void> = [];
  private running = false;
  private refillPending = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** Writes refused with store-busy, answered when the batch being committed is done. */
  private refused: Array<() => void> = [];
  private batches = 0;
  private messages = 0;

  constructor(
    private readonly repository: ChatRepository,
    private readonly onCommitted: (batch: CommittedWrite<C>[]) => void,
    options: MessageWriterOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.maxQueue = Math.max(1, options.maxQueue ?? 20_000);
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? repository.parallelAppends ?? 1));
  }

  /** Resolves once the message's batch is committed (durable) and published. */
  write(message: NewMessage, context: C): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new ChatError('shutting-down'));
    if (this.queue.length >= this.maxQueue) {
      // Answered when the current batch is done, not at once: "retry shortly" is then true, and a door
      // that stops reading while its client's answers are owed (InboundWindow) stops reading a flood
      // of refusals too, which would otherwise fill every event-loop turn and keep the commit from ending.
      return new Promise<AppendResult>((_, reject) => this.refused.push(() => reject(new ChatError('store-busy'))));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ message, context, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let the writes of this I/O turn join the first batch.
        setImmediate(() => void this.drain());
      } else if (this.started.length < this.concurrency && !this.refillPending) {
        // A free slot while others are out: this turn's writes go as one more batch.
        this.refillPending = true;
        setImmediate(() => {
          this.refillPending = false;
          if (this.running) this.refill();
        });
      }
    });
  }

  /** Called after each committed batch is published (metrics); a listener must not throw. */
  onStoredBatch(listener: (batch: StoredBatch) => void): void {
    this.batchListeners.push(listener);
  }

  stats(): MessageWriterStats {
    return { batches: this.batches, messages: this.messages, queued: this.queue.length };
  }

  /** Refuses new writes and resolves when every queued one has been committed (or failed). */
  close(): Promise<void> {
    this.closed = true;
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    const started = this.started;
    this.refill();
    while (started.length > 0) {
      const { batch, stored, storedAt } = started[0];
      let results: AppendResult[];
      try {
        results = await stored;
        if (results.length !== batch.length) throw new Error(`append returned ${results.length} results for ${batch.length} messages`);
      } catch (error) {
        this.logger.error(`storing ${batch.length} messages failed: ${error instanceof Error ? error.message : String(error)}`);
        const failure = new ChatError('store-failed');
        for (const pending of batch) pending.reject(failure);
        started.shift();
        this.answerRefused();
        this.refill();
        continue;
      }
      started.shift();
      this.batches += 1;
      this.messages += batch.length;
      // What queued during this commit goes to the database now, while this batch is published: the
      // database's first round trip overlaps the fan-out instead of waiting behind it. Ids stay in
      // order: that batch is published only after this one, in a later pass.
      this.refill();
      try {
        this.onCommitted(batch.map((p, i) => ({ result: results[i], context: p.context })));
      } catch (error) {
        // Stored is stored: a publishing fault must not turn a durable message into a failed post.
        this.logger.error(`publishing a committed batch failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      batch.forEach((p, i) => p.resolve(results[i]));
      this.answerRefused();
      if (this.batchListeners.length > 0) this.report(batch.length, storedAt);
      // Anything written while publishing goes too, rather than waiting for a write that may not come.
      this.refill();
    }
    this.running = false;
    this.answerRefused();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private report(messages: number, times: { begun: number; at: number }): void {
    const now = performance.now();
    const batch = { messages, storeMs: times.at - times.begun, publishMs: now - times.at };
    for (const listener of this.batchListeners) {
      try {
        listener(batch);
      } catch {
        // Metrics must not break the write path.
      }
    }
  }

  /** Hands queued writes to the repository while a slot is free. */
  private refill(): void {
    while (this.started.length < this.concurrency) {
      const next = this.startBatch();
      if (!next) return;
      this.started.push(next);
    }
  }

  /** The next batch from the queue, handed to the repository; undefined when nothing waits. */
  private startBatch(): { batch: Pending<C>[]; stored: Promise<AppendResult[]>; storedAt: { begun: number; at: number } } | undefined {
    if (this.queue.length === 0) return undefined;
    const batch = this.queue.splice(0, this.maxBatch);
    const storedAt = { begun: performance.now(), at: 0 };
    let stored: Promise<AppendResult[]>;
    try {
      stored = this.repository.append(batch.map((p) => p.message));
    } catch (error) {
      stored = Promise.reject(error);
    }
    void stored.then(() => (storedAt.at = performance.now()), () => undefined);
    // Marked handled now: with several batches out, a later one can fail while an earlier one is
    // awaited, and an unhandled rejection would end the process. drain() still sees the failure.
    stored.catch(() => undefined);
    return { batch, stored, storedAt };
  }

  private answerRefused(): void {
    for (const refuse of this.refused.splice(0)) refuse();
  }
}
