import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { MetricsModule } from '@app/observability';
import { ClientAddress } from '../client-address';
import { ConnectionCap } from '../connection-cap';
import { AuthenticationGuard } from './authentication.guard';
import { PlainWsGateway } from '../plain-ws/plain-ws.gateway';
import { ChatRateLimitGuard } from './chat-rate-limit.guard';
import { DEFAULT_HTTP_TRANSPORT_OPTIONS, HTTP_TRANSPORT_OPTIONS, type HttpTransportOptions } from './http-transport-options';
import { JsonBodyMiddleware } from './json-body.middleware';
import { LongPollController } from './long-poll.controller';
import { LongPollService } from './long-poll.service';
import { OriginMiddleware } from './origin.middleware';
import { RoomMembersController } from './room-members.controller';
import { RoomsController } from './rooms.controller';
import { SseController } from './sse.controller';
import { SseHub } from './sse-hub';
import { UsersController } from './users.controller';
import { AdminController } from './admin.controller';
import { PresenceController } from './presence.controller';
import { ModerationController } from './moderation.controller';

/**
 * The chat without STOMP: REST, long polling, SSE and the plain WebSocket (PlainWsGateway: the app
 * needs RoutedWsAdapter as its WebSocket adapter). Needs CHAT_API (ChatModule), AUTHENTICATOR (IdentityModule) and
 * AppConfig from the app, and the Nest app created with `bodyParser: false` (JsonBodyMiddleware reads
 * bodies itself, with the size limit).
 */
@Module({})
export class HttpTransportsModule implements NestModule {
  static forRoot(options: { imports?: DynamicModule['imports']; http?: Partial<HttpTransportOptions> } = {}): DynamicModule {
    return {
      module: HttpTransportsModule,
      imports: [MetricsModule, ...(options.imports ?? [])],
      controllers: [
        RoomsController, RoomMembersController, ModerationController, PresenceController, LongPollController, SseController, UsersController,
        AdminController,
      ],
      providers: [
        { provide: HTTP_TRANSPORT_OPTIONS, useValue: { ...DEFAULT_HTTP_TRANSPORT_OPTIONS, ...options.http } },
        SseHub,
        LongPollService,
        PlainWsGateway,
        AuthenticationGuard,
        OriginMiddleware,
        JsonBodyMiddleware,
        ClientAddress,
        ConnectionCap,
        ChatRateLimitGuard,
      ],
      exports: [PlainWsGateway, SseHub, LongPollService, ClientAddress, ConnectionCap],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(OriginMiddleware).forRoutes(
      RoomsController,
      PresenceController,
      UsersController,
      AdminController,
      RoomMembersController,
      ModerationController,
      LongPollController,
      SseController,
      // CORS preflights, which no handler declares.
      { path: 'api/{*path}', method: RequestMethod.OPTIONS },
      { path: 'sse/{*path}', method: RequestMethod.OPTIONS },
    );
    consumer.apply(JsonBodyMiddleware).forRoutes(RoomsController, RoomMembersController, ModerationController);
  }
}
