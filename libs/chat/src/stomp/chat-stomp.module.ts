import { Module } from '@nestjs/common';
import { MessageRoutingModule } from '@app/message-routing';
import { STOMP_APPLICATION } from '@app/stomp-session';
import { ChatController } from './chat.controller';
import { ChatStompApplication } from './chat-stomp.application';
import { ChatTopicsInterceptor } from './chat-topics.interceptor';
import { RoomAccessInterceptor } from './room-access.interceptor';
import { RoomActionsController } from './room-actions.controller';
import { SignedInNames } from './signed-in-names';

/** The chat over STOMP: handlers for /app and the StompApplication every session uses. Needs ChatModule.forRoot() (global). */
@Module({
  imports: [MessageRoutingModule],
  providers: [
    SignedInNames, ChatController, RoomActionsController, ChatTopicsInterceptor, RoomAccessInterceptor, ChatStompApplication,
    { provide: STOMP_APPLICATION, useExisting: ChatStompApplication },
  ],
  exports: [STOMP_APPLICATION],
})
export class ChatStompModule {}
