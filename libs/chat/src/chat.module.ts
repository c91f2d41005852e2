import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { CHAT_API } from './chat-api.port';
import { CHAT_OPTIONS, type ChatOptions } from './chat-options';
import { ChatService } from './chat.service';
import { RoomEvents } from './events/room-events';
import { RoomPresence } from './presence/room-presence';
import { RoomTyping } from './presence/room-typing';
import { ReadMarkers } from './reads/read-markers.service';
import { AuditTrail } from './moderation/audit-trail';
import { Moderation } from './moderation/moderation.service';
import { RoomRestrictions } from './moderation/room-restrictions';
import { MessageRevisions } from './revisions/message-revisions.service';
import { ChatControlBus } from './rooms/chat-control.bus';
import { RoomAccess } from './rooms/room-access';
import { RoomDirectory } from './rooms/room-directory';
import { RoomPolicySync } from './rooms/room-policy.sync';
import { RoomWatchers } from './rooms/room-watchers';
import { RoomsService } from './rooms/rooms.service';

const SERVICES = [
  ChatService, RoomDirectory, RoomAccess, RoomWatchers, ChatControlBus, RoomPolicySync, RoomsService, RoomEvents, ReadMarkers,
  MessageRevisions, RoomPresence, RoomTyping, RoomRestrictions, AuditTrail, Moderation,
];

/**
 * ChatService (also under CHAT_API) and the rooms' services: rooms and members, access, read markers,
 * edits and deletions, moderation. It needs BROKER and ClusterUserRegistry (@app/messaging) and
 * CHAT_REPOSITORY, ROOM_REPOSITORY, MESSAGE_REVISIONS and MODERATION_REPOSITORY (PersistenceModule.forRoot,
 * which is global); pass `imports` when they are not global.
 */
@Module({
  providers: [...SERVICES, { provide: CHAT_API, useExisting: ChatService }],
  exports: [...SERVICES, CHAT_API],
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
