/** `Authorization: Bearer` when the page has a token. */
function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A room as GET /api/rooms lists it; `unread` only for a signed-in caller. */
export interface RoomInfo {
  room: string;
  title: string;
  visibility: 'public' | 'private';
  createdBy: string;
  messages: number;
  unread?: number;
}

export interface Member {
  user: string;
  role: 'owner' | 'member';
}

/** A refusal with the server's stable code and its sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SENTENCES: Record<string, string> = {
  'room-exists': 'That room exists already; join it instead.',
  'not-found': 'There is no such room (or it is private).',
};

/**
 * The REST side of rooms (docs/http.md) that the client library does not cover: the room list, creating
 * rooms, members, the presence snapshot beside them, and the read marker of a room just left. Every
 * call carries the page's token; the server answers the same rules whichever transport carries the feed.
 */
export class RoomApi {
  constructor(
    private readonly base: URL,
    private readonly token: string | undefined,
  ) {}

  async rooms(): Promise<RoomInfo[]> {
    const list = await this.json('GET', '/api/rooms');
    return Array.isArray(list) ? list.map(toRoomInfo).filter((r): r is RoomInfo => r !== undefined) : [];
  }

  async create(room: string, visibility: 'public' | 'private', title?: string): Promise<RoomInfo | undefined> {
    return toRoomInfo(await this.json('POST', '/api/rooms', { room, visibility, ...(title && { title }) }));
  }

  async members(room: string): Promise<Member[]> {
    const list = await this.json('GET', `${roomPath(room)}/members`);
    return Array.isArray(list) ? list.map(toMember).filter((m): m is Member => m !== undefined) : [];
  }

  addMember(room: string, user: string): Promise<unknown> {
    return this.json('PUT', `${roomPath(room)}/members/${encodeURIComponent(user)}`);
  }

  removeMember(room: string, user: string): Promise<unknown> {
    return this.json('DELETE', `${roomPath(room)}/members/${encodeURIComponent(user)}`);
  }

  /** The user may not post in the room for `seconds` (moderators, admins, the room's owner). */
  mute(room: string, user: string, seconds: number): Promise<unknown> {
    return this.json('POST', `${roomPath(room)}/mutes`, { user, seconds });
  }

  unmute(room: string, user: string): Promise<unknown> {
    return this.json('DELETE', `${roomPath(room)}/mutes/${encodeURIComponent(user)}`);
  }

  /** Out of the room and its members, live follows ended, no way back until unbanned. */
  ban(room: string, user: string): Promise<unknown> {
    return this.json('POST', `${roomPath(room)}/bans`, { user });
  }

  unban(room: string, user: string): Promise<unknown> {
    return this.json('DELETE', `${roomPath(room)}/bans/${encodeURIComponent(user)}`);
  }

  /** The users in the room now. */
  async presence(room: string): Promise<string[]> {
    const snapshot = (await this.json('GET', `${roomPath(room)}/presence`)) as { users?: unknown } | undefined;
    const users = Array.isArray(snapshot?.users) ? snapshot.users : [];
    return users.map((u) => (u as { user?: unknown } | null)?.user).filter((u): u is string => typeof u === 'string');
  }

  markRead(room: string, lastReadId: number): Promise<unknown> {
    return this.json('PUT', `${roomPath(room)}/read`, { lastReadId });
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), {
        method,
        cache: 'no-store',
        headers: { ...authHeaders(this.token), ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network', 'Could not reach the server.');
    }
    if (res.ok) return res;
    let error: { error?: unknown; message?: unknown } = {};
    try {
      error = (await res.json()) as typeof error;
    } catch {
      /* a body that is not ours: the status says enough */
    }
    const code = typeof error.error === 'string' ? error.error : `http-${res.status}`;
    const sentence =
      code === 'unauthorized' && !this.token
        ? 'Sign in with a token for this.'
        : (SENTENCES[code] ?? (typeof error.message === 'string' ? error.message : `The server answered ${res.status}.`));
    throw new ApiError(res.status, code, sentence);
  }
}

function roomPath(room: string): string {
  return `/api/rooms/${encodeURIComponent(room)}`;
}

function toRoomInfo(value: unknown): RoomInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.room !== 'string') return undefined;
  return {
    room: v.room,
    title: typeof v.title === 'string' ? v.title : v.room,
    visibility: v.visibility === 'private' ? 'private' : 'public',
    createdBy: typeof v.createdBy === 'string' ? v.createdBy : '',
    messages: typeof v.messages === 'number' ? v.messages : 0,
    ...(typeof v.unread === 'number' && { unread: v.unread }),
  };
}

function toMember(value: unknown): Member | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.user !== 'string') return undefined;
  return { user: v.user, role: v.role === 'owner' ? 'owner' : 'member' };
}
