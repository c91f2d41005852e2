import type { ChatMessage } from './chat-message';
import type { ChatController, RoomFeature, RoomSession } from './chat-controller';
import { RoomApi } from './room-api';

/**
 * A reader's marker moves at most this often while messages keep coming: every move is a room event for
 * everyone in the room, so a busy room would otherwise hear of every reader after every message.
 */
export const MARK_EVERY_MS = 2_000;

/**
 * Moves the user's read marker to the newest message shown while the page is visible, so the room's
 * unread count is what they have not seen. Only for a signed-in user: unread counts are for a name the
 * server trusts. The marker only moves forward on the server too; this just avoids asking for nothing.
 */
export class ReadTracker implements RoomFeature {
  private session: RoomSession | undefined;
  private newest = 0;
  private marked = 0;
  private lastMarkAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly controller: ChatController,
    private readonly base: URL,
    private readonly visible: () => boolean = () => document.visibilityState === 'visible',
  ) {
    document.addEventListener('visibilitychange', () => this.schedule());
  }

  roomChanged(session: RoomSession): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // What was seen in the room just left still counts. Its connection is gone by now, so this one
    // marker goes over REST.
    const left = this.session;
    if (left?.token && this.newest > this.marked && this.visible()) {
      new RoomApi(this.base, left.token).markRead(left.room, this.newest).catch(() => undefined);
    }
    this.session = session;
    this.newest = 0;
    this.marked = 0;
    this.lastMarkAt = 0;
  }

  shown(messages: ChatMessage[]): void {
    for (const message of messages) this.newest = Math.max(this.newest, message.id);
    this.schedule();
  }

  /** History arrives message by message in one go: a timer, even of 0 ms, marks the whole batch once. */
  private schedule(): void {
    if (this.timer !== undefined || !this.visible() || this.newest <= this.marked) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, this.lastMarkAt + MARK_EVERY_MS - Date.now()));
  }

  private flush(): void {
    this.timer = undefined;
    const session = this.session;
    if (!session?.token || !this.visible() || this.newest <= this.marked) return;
    this.marked = this.newest;
    this.lastMarkAt = Date.now();
    // A refusal (a room just left, say) changes nothing the reader needs to hear about.
    this.controller.markRead(this.newest).catch(() => undefined);
  }
}
