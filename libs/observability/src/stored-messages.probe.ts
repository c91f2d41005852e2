import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ChatService } from '@app/chat';
import { ChatMetrics } from './chat-metrics';

/**
 * Feeds `chat_messages_stored_total` from the chat service's writer statistics, and the room feed
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
  }
}
