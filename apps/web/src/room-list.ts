import { validateRoom } from './chat-message';
import type { RoomFeature, RoomSession } from './chat-controller';
import { el } from './message-view';
import { ApiError, RoomApi, type RoomInfo } from './room-api';
import { rovingFocus } from './roving-focus';

/**
 * How often the list is asked for again while the page is visible: unread counts of the rooms not shown
 * change without anything on this page's feed (following every room would make the user present in all).
 */
export const ROOMS_REFRESH_MS = 5_000;

export interface RoomListElements {
  list: HTMLUListElement;
  form: HTMLFormElement;
  name: HTMLInputElement;
  private: HTMLInputElement;
  join: HTMLButtonElement;
  create: HTMLButtonElement;
  error: HTMLElement;
  hint: HTMLElement;
}

/**
 * The rooms the user may see (GET /api/rooms: public ones, and private ones they are in), with unread
 * badges; picking one shows it. Creating a room (public or private) and joining a public one by name.
 */
export class RoomList implements RoomFeature {
  private session: RoomSession | undefined;
  private rooms: RoomInfo[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private asked = 0;
  private drawn = '';

  constructor(
    private readonly base: URL,
    private readonly ui: RoomListElements,
    /** Shows that room (the page reconnects to it). */
    private readonly pick: (room: string) => void,
  ) {
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.createRoom();
    });
    ui.join.addEventListener('click', () => void this.joinRoom());
    document.addEventListener('visibilitychange', () => this.follow());
    // The list is one Tab stop (on the room shown); arrow keys go through the rooms.
    rovingFocus(ui.list, '.room-button', (buttons) => buttons.find((b) => b.getAttribute('aria-current') === 'true'));
  }

  roomChanged(session: RoomSession): void {
    this.session = session;
    const signedIn = session.token !== undefined;
    this.ui.create.disabled = !signedIn;
    this.ui.private.disabled = !signedIn;
    this.ui.hint.textContent = signedIn ? '' : 'Creating rooms needs a token; any public room opens by name.';
    this.ui.hint.hidden = signedIn;
    this.render();
    this.follow();
  }

  opened(): void {
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const session = this.session;
    if (!session) return;
    // Answers can overtake each other; only the latest question's answer is shown.
    const asked = ++this.asked;
    try {
      const rooms = await new RoomApi(this.base, session.token).rooms();
      if (asked !== this.asked) return;
      this.rooms = rooms;
      this.render();
    } catch {
      /* the list keeps what it showed; the next refresh tries again */
    }
  }

  /** Asks again every few seconds while the page is visible, not at all while it is hidden. */
  private follow(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (document.visibilityState !== 'visible') return;
    this.timer = setInterval(() => void this.refresh(), ROOMS_REFRESH_MS);
    void this.refresh();
  }

  private render(): void {
    const current = this.session?.room;
    const rooms = [...this.rooms];
    // The room shown is listed even before it has a message (a public room exists from its first one).
    if (current && !rooms.some((r) => r.room === current)) rooms.unshift({ room: current, title: current, visibility: 'public', createdBy: '', messages: 0 });
    const drawn = JSON.stringify([current, rooms]);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    // Redrawn under a keyboard user's focus: it stays on the same room's button.
    const focused = this.ui.list.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.room : undefined;
    this.ui.list.replaceChildren(...rooms.map((room) => this.item(room, room.room === current)));
    if (focused !== undefined) this.ui.list.querySelector<HTMLElement>(`[data-room="${CSS.escape(focused)}"]`)?.focus();
  }

  private item(room: RoomInfo, current: boolean): HTMLLIElement {
    const li = el('li', 'room-item');
    const button = el('button', 'room-button');
    button.type = 'button';
    button.dataset.room = room.room;
    if (current) button.setAttribute('aria-current', 'true');
    button.append(el('span', 'room-name', `#${room.room}`));
    if (room.title !== room.room) button.title = room.title;
    if (room.visibility === 'private') button.append(' ', el('span', 'room-private', 'private'));
    // The room being read has nothing unread: its marker follows what is shown.
    const unread = current ? 0 : (room.unread ?? 0);
    if (unread > 0) {
      const badge = el('span', 'badge', String(unread));
      badge.append(el('span', 'visually-hidden', ' unread'));
      button.append(' ', badge);
    }
    button.addEventListener('click', () => this.pick(room.room));
    li.append(button);
    return li;
  }

  private async createRoom(): Promise<void> {
    const room = this.checkedName();
    const session = this.session;
    if (!room || !session) return;
    await this.attempt(() => new RoomApi(this.base, session.token).create(room, this.ui.private.checked ? 'private' : 'public'), room);
  }

  /** Joining makes a signed-in user a member of a public room; anyone may just open one. */
  private async joinRoom(): Promise<void> {
    const room = this.checkedName();
    const session = this.session;
    if (!room || !session) return;
    if (!session.token) return this.done(room);
    await this.attempt(() => new RoomApi(this.base, session.token).addMember(room, session.name), room);
  }

  private async attempt(call: () => Promise<unknown>, room: string): Promise<void> {
    this.showError(undefined);
    this.ui.create.disabled = true;
    this.ui.join.disabled = true;
    try {
      await call();
      this.done(room);
    } catch (error) {
      this.showError(error instanceof ApiError ? error.message : 'That did not work; try again.');
    } finally {
      this.ui.create.disabled = this.session?.token === undefined;
      this.ui.join.disabled = false;
    }
  }

  private done(room: string): void {
    this.ui.name.value = '';
    this.ui.private.checked = false;
    this.showError(undefined);
    this.pick(room);
    void this.refresh();
  }

  private checkedName(): string | undefined {
    const room = this.ui.name.value.trim();
    const invalid = validateRoom(room);
    this.showError(invalid);
    if (invalid) this.ui.name.focus();
    return invalid ? undefined : room;
  }

  private showError(text: string | undefined): void {
    this.ui.error.textContent = text ?? '';
    this.ui.error.hidden = !text;
    this.ui.name.setAttribute('aria-invalid', text ? 'true' : 'false');
  }
}
