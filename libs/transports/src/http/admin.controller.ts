import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChatService } from '@app/chat';
import { ClusterUserRegistry } from '@app/messaging';
import { ChatMetrics, recentRefusals, type RefusalRecord } from '@app/observability';
import type { Principal } from '@app/stomp-session';
import { RequestPrincipal } from './authentication.guard';
import { HttpDoor } from './http-door.decorator';
import { HttpError } from './http-error';

export interface DoorFigures {
  door: string;
  protocol: string;
  connections: number;
  subscriptions: number;
  messagesIn: number;
  messagesOut: number;
  slowConsumerDisconnects: number;
  rateLimited: number;
}

export interface AdminOverview {
  node: string;
  uptimeSec: number;
  rssBytes: number;
  nodes: { node: string; self: boolean; users: number; lastHeardMsAgo: number }[];
  usersOnline: number;
  doors: DoorFigures[];
  rooms: { room: string; present: number }[];
  /** Messages stored by this node per room over the last minute, busiest first. */
  busiestRooms: { room: string; perMinute: number }[];
  refusals: RefusalRecord[];
}

/** `GET /api/admin/overview` (role `admin`): what the admin view at /admin shows, live. */
@Controller('api/admin')
@HttpDoor()
@ApiTags('operations')
export class AdminController {
  constructor(
    private readonly metrics: ChatMetrics,
    private readonly users: ClusterUserRegistry,
    private readonly chat: ChatService,
  ) {}

  @Get('overview')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Admin only: nodes, connections and traffic by door, drops, rooms with people in them, the busiest rooms of the last minute, recent refusals.' })
  overview(@RequestPrincipal() principal: Principal | undefined): AdminOverview {
    if (!principal?.roles.includes('admin')) throw new HttpError(403, 'forbidden', 'The admin view needs a token with the admin role.');
    const doors = this.metrics.doors().map((t) => ({
      door: t.door, protocol: t.protocol, connections: t.connections, subscriptions: t.subscriptions,
      messagesIn: t.messagesIn, messagesOut: t.messagesOut, slowConsumerDisconnects: t.slowConsumerDisconnects, rateLimited: t.rateLimited,
    }));
    const rooms = this.users.presenceCounts('room:').map((p) => ({ room: p.key.slice('room:'.length), present: p.users })).sort((a, b) => b.present - a.present);
    return {
      node: this.users.node,
      uptimeSec: Math.round(process.uptime()),
      rssBytes: process.memoryUsage.rss(),
      nodes: this.users.nodes(),
      usersOnline: this.users.users().length,
      doors,
      rooms: rooms.slice(0, 100),
      busiestRooms: this.chat.busiestRooms(20),
      refusals: recentRefusals.list(),
    };
  }
}
