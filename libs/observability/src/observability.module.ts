import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { StoredMessagesProbe } from './stored-messages.probe';

/**
 * `/health` and `/metrics`. HealthController injects CHAT_REPOSITORY (PersistenceModule.forRoot) and
 * BROKER (MessagingModule.forRoot), both global.
 */
@Module({
  imports: [MetricsModule],
  controllers: [HealthController, MetricsController],
  providers: [StoredMessagesProbe],
})
export class ObservabilityModule {}
