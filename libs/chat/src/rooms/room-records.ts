/** Who asks: a principal's name and roles (the library's Principal fits), or undefined when anonymous. */
export interface Caller {
  readonly name: string;
  readonly roles: readonly string[];
}

export type Visibility = 'public' | 'private';
export type MemberRole = 'owner' | 'member';

export const VISIBILITIES: readonly Visibility[] = ['public', 'private'];

/** Token roles with powers over rooms (CONTRACT "Moderation"): `moderator` for messages and users, `admin` for everything. */
export const MODERATOR_ROLE = 'moderator';
export const ADMIN_ROLE = 'admin';

/** True for a moderator or an admin. */
export function isStaff(caller: Caller | undefined): boolean {
  return caller !== undefined && (caller.roles.includes(MODERATOR_ROLE) || caller.roles.includes(ADMIN_ROLE));
}

/**
 * A room as stored. A room made by POST /api/rooms has a row of its own; a public room made by its first
 * message has none, and is described from its messages (title = name, creator = first sender).
 */
export interface RoomRecord {
  room: string;
  title: string;
  visibility: Visibility;
  createdBy: string;
  createdAt: Date;
}

export interface RoomListing extends RoomRecord {
  messages: number;
  lastMessageAt: Date | null;
  /** For the caller: messages after their read marker not sent by them (and not deleted). */
  unread?: number;
}

export interface MemberRecord {
  user: string;
  role: MemberRole;
  since: Date;
}

export interface ReadMarkerRecord {
  user: string;
  lastReadId: number;
  at: Date;
}

/** What access rules know about a private room: its members and their roles. */
export interface PrivateRoomPolicy {
  room: string;
  members: ReadonlyMap<string, MemberRole>;
}
