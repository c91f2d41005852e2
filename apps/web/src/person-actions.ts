import { el } from './message-view';
import type { RoomApi } from './room-api';

/** The lengths a mute can be given from the page. */
export const MUTE_CHOICES: readonly { seconds: number; label: string; long: string }[] = [
  { seconds: 600, label: '10 min', long: '10 minutes' },
  { seconds: 3_600, label: '1 hour', long: '1 hour' },
  { seconds: 86_400, label: '1 day', long: '1 day' },
];

export interface PersonRow {
  user: string;
  me: boolean;
  member: boolean;
}

type Asking = { user: string; what: 'mute' | 'ban' };

function button(key: string, text: string, label: string): HTMLButtonElement {
  const b = el('button', 'link-button', text);
  b.type = 'button';
  b.dataset.key = key;
  b.setAttribute('aria-label', label);
  return b;
}

/**
 * What the room's owner, a moderator or an admin can do to a person in the list: remove a member, mute
 * (for a time chosen inline) and unmute, ban (after a second click) and unban. The server keeps no list
 * of mutes and bans that the page could read, so the page shows those it made itself; a banned user is
 * out of the room's members and presence, and stays listed here so that the ban can be lifted.
 */
export class PersonActions {
  private readonly mutedUntil = new Map<string, number>();
  private readonly bannedHere = new Set<string>();
  private asking: Asking | undefined;

  constructor(
    list: HTMLUListElement,
    /** Makes one change on the server, says what went wrong if it did, and shows the list as it is now. */
    private readonly act: (call: (api: RoomApi, room: string) => Promise<unknown>) => Promise<boolean>,
    /** Draws the list again, with focus on the button of this key (else where it was). */
    private readonly redraw: (focus?: string) => void,
  ) {
    list.addEventListener('click', (event) => {
      const key = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-key]')?.dataset.key;
      if (key) void this.press(key);
    });
  }

  /** Bans made from this page for the room shown: listed though they are neither here nor members. */
  get banned(): ReadonlySet<string> {
    return this.bannedHere;
  }

  isMuted(user: string): boolean {
    const until = this.mutedUntil.get(user);
    return until !== undefined && until > Date.now();
  }

  /** Another room: what this page knew about the last one's mutes and bans is not about this one. */
  reset(): void {
    this.mutedUntil.clear();
    this.bannedHere.clear();
    this.asking = undefined;
  }

  /** The row's buttons, for someone who manages the room's people. */
  decorate(li: HTMLLIElement, person: PersonRow): void {
    if (person.me) return;
    const u = person.user;
    const bar = el('span', 'person-actions');
    if (this.asking?.user === u && this.asking.what === 'mute') {
      bar.append(el('span', 'confirm', 'Mute for'));
      for (const choice of MUTE_CHOICES) bar.append(' ', button(`mute-${choice.seconds}:${u}`, choice.label, `Mute ${u} for ${choice.long}`));
      bar.append(' ', button(`cancel:${u}`, 'Cancel', `Do not mute ${u}`));
    } else if (this.asking?.user === u && this.asking.what === 'ban') {
      bar.append(el('span', 'confirm', `Ban ${u}?`), ' ', button(`confirm-ban:${u}`, 'Ban', 'Confirm ban'), ' ', button(`cancel:${u}`, 'Keep', `Do not ban ${u}`));
    } else if (this.bannedHere.has(u)) {
      bar.append(button(`unban:${u}`, 'Unban', `Unban ${u}`));
    } else {
      bar.append(this.isMuted(u) ? button(`unmute:${u}`, 'Unmute', `Unmute ${u}`) : button(`mute:${u}`, 'Mute', `Mute ${u}`));
      bar.append(' ', button(`ban:${u}`, 'Ban', `Ban ${u} from the room`));
      if (person.member) bar.append(' ', button(`remove:${u}`, 'Remove', `Remove ${u} from the room`));
    }
    li.append(' ', bar);
  }

  private async press(key: string): Promise<void> {
    const cut = key.indexOf(':');
    const action = key.slice(0, cut);
    const user = key.slice(cut + 1);
    if (action === 'mute' || action === 'ban') {
      this.asking = { user, what: action };
      return this.redraw(action === 'mute' ? `mute-${MUTE_CHOICES[0]!.seconds}:${user}` : `confirm-ban:${user}`);
    }
    const back = this.asking?.what === 'ban' ? `ban:${user}` : `mute:${user}`;
    this.asking = undefined;
    if (action === 'cancel') return this.redraw(back);
    // Focus goes to what now stands where the pressed button was (or back to it, when the change failed).
    let focus = back;
    if (action.startsWith('mute-')) {
      const seconds = Number(action.slice('mute-'.length));
      if (await this.act((api, room) => api.mute(room, user, seconds))) {
        this.mutedUntil.set(user, Date.now() + seconds * 1000);
        focus = `unmute:${user}`;
      }
    } else if (action === 'unmute') {
      if (await this.act((api, room) => api.unmute(room, user))) this.mutedUntil.delete(user);
      focus = this.isMuted(user) ? `unmute:${user}` : `mute:${user}`;
    } else if (action === 'confirm-ban') {
      if (await this.act((api, room) => api.ban(room, user))) {
        this.bannedHere.add(user);
        focus = `unban:${user}`;
      }
    } else if (action === 'unban') {
      if (await this.act((api, room) => api.unban(room, user))) this.bannedHere.delete(user);
      focus = this.bannedHere.has(user) ? `unban:${user}` : `ban:${user}`;
    } else if (action === 'remove') {
      await this.act((api, room) => api.removeMember(room, user));
    }
    this.redraw(focus);
  }
}
