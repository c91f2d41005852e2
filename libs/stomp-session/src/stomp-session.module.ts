import { Module } from '@nestjs/common';
import { StompSessionFactory } from './stomp-session.factory';
import { STOMP_ENDPOINT } from './stomp-endpoint.port';

/**
 * The STOMP endpoint for every transport. Needs, from elsewhere in the app: AppConfig, the messaging
 * module's BROKER and user destinations, a STOMP_APPLICATION provider, and EventEmitterModule.
 */
@Module({
  providers: [StompSessionFactory, { provide: STOMP_ENDPOINT, useExisting: StompSessionFactory }],
  exports: [StompSessionFactory, STOMP_ENDPOINT],
})
export class StompSessionModule {}
