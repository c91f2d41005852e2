import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MODERATION_REPOSITORY, type ModerationRepository } from '../moderation/moderation-repository.port';
import { RoomRestrictions } from '../moderation/room-restrictions';
import { ChatControlBus, type ControlMessage } from './chat-control.bus';
import { RoomDirectory } from './room-directory';
import { ROOM_REPOSITORY, type RoomRepository } from './room-repository.port';
import { RoomWatchers } from './room-watchers';

const ROOM_CHANGED = 'room-access';
const RETRY_MS = 1_000;

/**
 * Keeps what RoomAccess decides from (RoomDirectory: private rooms and their members; RoomRestrictions:
 * bans and mutes) equal to the database on every node: everything at start and after a control-bus
 * outage, one room when a node says it changed. A change made here is applied here first (so the very
 * next frame is decided by it), then announced; followers that lose access end at once on each node.
 *
 * All reloads run one after another, so an older read can never overwrite a newer one.
 */
@Injectable()
export class RoomPolicySync implements OnModuleInit {
  private readonly logger = new Logger('RoomPolicySync');
  private tail: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(ROOM_REPOSITORY) private readonly repository: RoomRepository,
    @Inject(MODERATION_REPOSITORY) private readonly moderation: ModerationRepository,
    private readonly directory: RoomDirectory,
    private readonly restrictions: RoomRestrictions,
    private readonly watchers: RoomWatchers,
    private readonly bus: ChatControlBus,
  ) {}

  async onModuleInit(): Promise<void> {
    // Before the first client: a private room must never look public for a moment, nor a ban lifted.
    await this.loadAll();
    this.bus.on(ROOM_CHANGED, (message) => void this.remoteChange(message));
    this.bus.onLive(() => void this.reloadAll());
  }

  /**
   * This node changed the room's members, visibility, bans or mutes in the database: apply it, end what
   * it refuses (every follower of `revokeUser` too, when given), then tell the other nodes.
   */
  async changed(room: string, revokeUser?: string): Promise<void> {
    await this.queue(() => this.apply(room, revokeUser));
    this.bus.publish({ type: ROOM_CHANGED, room, ...(revokeUser !== undefined && { revokeUser }) });
  }

  private remoteChange(message: ControlMessage): Promise<void> {
    const { room, revokeUser } = message;
    if (typeof room !== 'string') return Promise.resolve();
    return this.queue(() => this.apply(room, typeof revokeUser === 'string' ? revokeUser : undefined)).catch((error: unknown) => {
      this.logger.warn(`reloading room ${room} failed, reloading every room shortly: ${String(error)}`);
      this.scheduleReload();
    });
  }

  private async apply(room: string, revokeUser: string | undefined): Promise<void> {
    this.directory.set(room, await this.repository.privateRoom(room));
    this.restrictions.set(room, await this.moderation.restrictions(new Date(), room));
    if (revokeUser !== undefined) this.watchers.revokeUser(room, revokeUser);
    this.watchers.recheck(room);
  }

  private reloadAll(): Promise<void> {
    return this.queue(async () => {
      await this.loadAll();
      this.watchers.recheckAll();
    }).catch((error: unknown) => {
      this.logger.warn(`reloading the rooms' policies failed, retrying: ${String(error)}`);
      this.scheduleReload();
    });
  }

  private async loadAll(): Promise<void> {
    const [rooms, restrictions] = await Promise.all([this.repository.privateRooms(), this.moderation.restrictions(new Date())]);
    this.directory.replaceAll(rooms);
    this.restrictions.replaceAll(restrictions);
  }

  private scheduleReload(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.reloadAll();
    }, RETRY_MS);
    this.retry.unref();
  }

  private queue(work: () => Promise<void>): Promise<void> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
