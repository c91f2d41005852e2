import type { RoomFeature, RoomSession } from './chat-controller';
import { el } from './message-view';
import { PersonActions } from './person-actions';
import { ApiError, RoomApi, type Member } from './room-api';
import { rovingFocus } from './roving-focus';
import type { RoomEvent } from '../../../libs/chat-client/src';

/** Presence and members are asked again this often: a safety net for doors that carry no room events. */
export const PEOPLE_REFRESH_MS = 30_000;
/**
 * Membership changes are no room events; someone coming or going is when they are likely (one joined
 * the room while here, then left). Members are asked again this long after the last such event.
 */
const MEMBERS_AFTER_EVENT_MS = 1_000;

export interface MemberListElements {
  list: HTMLUListElement;
  count: HTMLElement;
  membership: HTMLButtonElement;
  addForm: HTMLFormElement;
  addName: HTMLInputElement;
  error: HTMLElement;
}

export interface Person {
  user: string;
  online: boolean;
  role?: Member['role'];
}

/** Who is listed: everyone online (member or not), then the members who are not; alphabetical within. */
export function peopleOf(members: readonly Member[], online: ReadonlySet<string>): Person[] {
  const people = new Map<string, Person>();
  for (const m of members) people.set(m.user, { user: m.user, online: online.has(m.user), role: m.role });
  for (const user of online) if (!people.has(user)) people.set(user, { user, online: true });
  return [...people.values()].sort((a, b) => Number(b.online) - Number(a.online) || a.user.localeCompare(b.user));
}

/**
 * The room's people: its members with their role, and who is here now (the presence snapshot, then join
 * and leave events). Joining and leaving the room; the owner, moderators and admins add members, and
 * remove, mute and ban people (PersonActions).
 */
export class MemberList implements RoomFeature {
  private session: RoomSession | undefined;
  private members: Member[] = [];
  /** Whether the room is there to join: a public room exists from its first message (or its creation). */
  private exists = false;
  private online = new Set<string>();
  private generation = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reload: ReturnType<typeof setTimeout> | undefined;
  private readonly actions: PersonActions;

  constructor(
    private readonly base: URL,
    private readonly ui: MemberListElements,
    /** Does the token carry `moderator` or `admin`? */
    private readonly staff: () => boolean,
  ) {
    ui.membership.addEventListener('click', () => void this.toggleMembership());
    ui.addForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.addMember();
    });
    this.actions = new PersonActions(
      ui.list,
      (call) => this.change(() => call(this.api(), this.session!.room)),
      (focus) => this.render(focus),
    );
    // The people's buttons are one Tab stop; arrow keys go through them.
    rovingFocus(ui.list, 'button[data-key]', (buttons) => buttons[0]);
  }

  roomChanged(session: RoomSession): void {
    this.session = session;
    this.generation++;
    this.members = [];
    this.exists = false;
    this.online = new Set();
    this.actions.reset();
    this.showError(undefined);
    this.render();
    clearInterval(this.timer);
    clearTimeout(this.reload);
    this.timer = setInterval(() => void this.load(), PEOPLE_REFRESH_MS);
  }

  opened(): void {
    void this.load();
  }

  /** The first message makes a public room exist: it may be joined from then on. */
  shown(): void {
    if (!this.exists) void this.load();
  }

  event(event: RoomEvent): void {
    if (event.type === 'join') this.online.add(event.user);
    else if (event.type === 'leave') this.online.delete(event.user);
    else return;
    this.render();
    clearTimeout(this.reload);
    this.reload = setTimeout(() => void this.load(), MEMBERS_AFTER_EVENT_MS);
  }

  private api(): RoomApi {
    return new RoomApi(this.base, this.session?.token);
  }

  private async load(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const generation = this.generation;
    const api = this.api();
    // A room one may not see answers not-found to both: the list then stays empty.
    const [members, online] = await Promise.all([api.members(session.room).catch(() => undefined), api.presence(session.room).catch(() => [])]);
    if (generation !== this.generation) return;
    this.exists = members !== undefined;
    this.members = members ?? [];
    this.online = new Set(online);
    this.render();
  }

  private get myRole(): Member['role'] | undefined {
    return this.members.find((m) => m.user === this.session?.name)?.role;
  }

  /** The owner, moderators and admins manage members. */
  private get manages(): boolean {
    return this.session?.token !== undefined && (this.staff() || this.myRole === 'owner');
  }

  private render(focus?: string): void {
    const session = this.session;
    const people = peopleOf(this.members, this.online);
    for (const user of this.actions.banned) if (!people.some((p) => p.user === user)) people.push({ user, online: false });
    const online = people.filter((p) => p.online).length;
    this.ui.count.textContent = `${online} online`;
    const manages = this.manages;
    // Redrawn under a keyboard user's focus (someone joined, a button was pressed): it stays on the same
    // person's button, or goes to the one that took its place.
    const active = this.ui.list.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.key : undefined;
    this.ui.list.replaceChildren(...people.map((person) => this.item(person, person.user === session?.name, manages)));
    const key = focus ?? active;
    if (key !== undefined) this.ui.list.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
    const signedIn = session?.token !== undefined;
    const member = this.myRole !== undefined;
    this.ui.membership.hidden = !signedIn || !this.exists || this.myRole === 'owner';
    this.ui.membership.textContent = member ? 'Leave room' : 'Join room';
    this.ui.addForm.hidden = !manages;
  }

  private item(person: Person, me: boolean, manages: boolean): HTMLLIElement {
    const li = el('li', person.online ? 'person online' : 'person');
    li.dataset.user = person.user;
    const dot = el('span', 'presence-dot');
    dot.setAttribute('aria-hidden', 'true');
    li.append(dot, el('span', 'person-name', person.user));
    if (me) li.append(' ', el('span', 'person-note', '(you)'));
    if (person.role === 'owner') li.append(' ', el('span', 'person-role', 'owner'));
    const banned = this.actions.banned.has(person.user);
    li.append(' ', el('span', 'person-state', banned ? 'banned' : person.online ? 'online' : 'offline'));
    if (this.actions.isMuted(person.user)) li.append(' ', el('span', 'person-role', 'muted'));
    if (manages) this.actions.decorate(li, { user: person.user, me, member: person.role !== undefined });
    return li;
  }

  private async toggleMembership(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const member = this.myRole !== undefined;
    await this.change(() => (member ? this.api().removeMember(session.room, session.name) : this.api().addMember(session.room, session.name)));
  }

  private async addMember(): Promise<void> {
    const session = this.session;
    const user = this.ui.addName.value.trim();
    if (!session || user === '') return;
    if (await this.change(() => this.api().addMember(session.room, user))) this.ui.addName.value = '';
  }

  /** One change to the membership, then the list as the server now has it. */
  private async change(call: () => Promise<unknown>): Promise<boolean> {
    this.showError(undefined);
    try {
      await call();
      return true;
    } catch (error) {
      this.showError(error instanceof ApiError ? error.message : 'That did not work; try again.');
      return false;
    } finally {
      await this.load();
    }
  }

  private showError(text: string | undefined): void {
    this.ui.error.textContent = text ?? '';
    this.ui.error.hidden = !text;
  }
}
