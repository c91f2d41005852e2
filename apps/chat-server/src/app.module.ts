import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { StompBrokerModule } from '@app/stomp';
import { PersistenceModule } from '@app/persistence';
import { ChatModule, ChatStompModule, IdentityModule } from '@app/chat';
import { MetricsModule, ObservabilityModule } from '@app/observability';
import { TransportsModule } from '@app/transports';
import { stompOptionsFrom } from './stomp-options';

/** Wiring only: every piece lives in libs/; the broker library gets its options from the env schema here. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // One identity for every door: STOMP sessions, REST, SSE, long polling, /ws/chat.
        IdentityModule,
        StompBrokerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: stompOptionsFrom,
          // The chat's own application: chat topics closed to direct SENDs, since-id replay.
          application: [ChatStompModule],
          // TransportGateway attaches the endpoints, behind its per-address connection cap.
          attach: false,
        }),
        PersistenceModule.forRoot(),
        MetricsModule,
        ChatModule.forRoot({ chat: { editWindowSec: config.EDIT_WINDOW_SEC } }),
        ObservabilityModule,
        TransportsModule.forRoot(),
      ],
    };
  }
}
