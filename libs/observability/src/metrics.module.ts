import { Global, Module } from '@nestjs/common';
import { SESSION_METRICS, type SessionMetrics } from '@app/stomp-session';
import { ChatMetrics } from './chat-metrics';

/**
 * The one ChatMetrics of the process, global so every transport (STOMP, SockJS, SSE, ...) can inject it
 * without importing the health endpoint's dependencies. It also gives STOMP sessions their
 * SESSION_METRICS, each session counted under its door and protocol `stomp`.
 */
@Global()
@Module({
  providers: [
    ChatMetrics,
    {
      provide: SESSION_METRICS,
      inject: [ChatMetrics],
      useFactory: (metrics: ChatMetrics): SessionMetrics => metrics.sessionMetrics,
    },
  ],
  exports: [ChatMetrics, SESSION_METRICS],
})
export class MetricsModule {}
