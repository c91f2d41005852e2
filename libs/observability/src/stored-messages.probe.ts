import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ChatService } from '@app/chat';
import { ChatMetrics } from './chat-metrics';

/**
 * Feeds `chat_messages_stored_total` from the chat service's writer statistics, the store latency
 * histograms (`chat_store_commit_seconds`, `chat_store_publish_seconds`, `chat_store_batch_messages`)
 * from each committed batch, and the room feed
 * counters from its feeds, wherever ChatModule was registered, so the chat domain never has to know
 * about Prometheus.
 */
@Injectable()
export class StoredMessagesProbe implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: ChatMetrics,
  ) {}

  onApplicationBootstrap(): void {
    let chat: ChatService;
    try {
      chat = this.moduleRef.get(ChatService, { strict: false });
    } catch {
      return; // no chat service in this app (a test of the endpoints alone)
    }
    this.metrics.countStoredWith(() => chat.writerStats().messages);
    this.metrics.countFeedWith(() => chat.feedStats());
    chat.onStoredBatch(({ messages, storeMs, publishMs }) => {
      this.metrics.storeCommitSeconds.observe(storeMs / 1000);
      this.metrics.storePublishSeconds.observe(publishMs / 1000);
      this.metrics.storeBatchMessages.observe(messages);
    });
  }
}
