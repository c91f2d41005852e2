import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { CHAT_API } from './chat-api.port';
import { CHAT_OPTIONS, ChatService, type ChatOptions } from './chat.service';
import { RoomPresence } from './presence/room-presence';
import { RoomTyping } from './presence/room-typing';

/**
 * ChatService, also under CHAT_API. It needs BROKER (@app/messaging) and CHAT_REPOSITORY
 * (PersistenceModule.forRoot, which is global); pass `imports` when they are not global.
 */
@Module({
  providers: [ChatService, { provide: CHAT_API, useExisting: ChatService }, RoomPresence, RoomTyping],
  exports: [ChatService, CHAT_API, RoomPresence, RoomTyping],
})
export class ChatModule {
  static forRoot(options: { imports?: ModuleMetadata['imports']; chat?: ChatOptions } = {}): DynamicModule {
    return {
      module: ChatModule,
      global: true,
      imports: options.imports ?? [],
      providers: [{ provide: CHAT_OPTIONS, useValue: options.chat ?? {} }],
    };
  }
}
