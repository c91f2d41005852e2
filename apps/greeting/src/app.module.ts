import { Module } from '@nestjs/common';
import { StompBrokerModule } from '@app/stomp';
import { GreetingController } from './greeting.controller';

/**
 * Spring's WebSocketConfig: enableSimpleBroker("/topic"), setApplicationDestinationPrefixes("/app"),
 * addEndpoint("/gs-guide-websocket").withSockJS(). Nothing of the chat server.
 */
@Module({
  imports: [
    StompBrokerModule.forRoot({
      endpoints: [{ path: '/gs-guide-websocket', sockjs: true }],
      applicationDestinationPrefix: '/app',
      brokerDestinationPrefixes: ['/topic'],
    }),
  ],
  providers: [GreetingController],
})
export class GreetingAppModule {}
