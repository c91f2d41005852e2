import { Module, type DynamicModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AppConfig, ConfigModule } from '@app/config';
import { MessagingModule } from '@app/messaging';
import { PersistenceModule } from '@app/persistence';
import { ChatModule, ChatStompModule } from '@app/chat';
import { StompSessionModule } from '@app/stomp-session';
import { MetricsModule, ObservabilityModule } from '@app/observability';
import { TransportsModule } from '@app/transports';
import { BROKER_FROM_CONFIG } from './broker-from-config';
import { sessionOptionsFrom } from './stomp-options';

/** Wiring only: every piece lives in libs/. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        EventEmitterModule.forRoot(),
        MessagingModule.forRoot({ broker: BROKER_FROM_CONFIG }),
        PersistenceModule.forRoot(),
        MetricsModule,
        ChatModule.forRoot(),
        StompSessionModule.forRoot({ imports: [ChatStompModule], session: sessionOptionsFrom(config) }),
        ObservabilityModule,
        TransportsModule.forRoot(),
      ],
    };
  }
}
