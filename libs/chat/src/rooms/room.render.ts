import type { MemberRecord, ReadMarkerRecord, RoomListing } from './room-records';

/** A room object (CONTRACT "Rooms, membership and moderation"); `unread` only for a signed-in caller. */
export interface RoomJson {
  room: string;
  title: string;
  visibility: 'public' | 'private';
  createdBy: string;
  createdAt: string;
  messages: number;
  lastMessageAt: string | null;
  unread?: number;
}

export function renderRoom(listing: RoomListing): RoomJson {
  return {
    room: listing.room,
    title: listing.title,
    visibility: listing.visibility,
    createdBy: listing.createdBy,
    createdAt: listing.createdAt.toISOString(),
    messages: listing.messages,
    lastMessageAt: listing.lastMessageAt?.toISOString() ?? null,
    ...(listing.unread !== undefined && { unread: listing.unread }),
  };
}

export function renderMember(member: MemberRecord): { user: string; role: string; since: string } {
  return { user: member.user, role: member.role, since: member.since.toISOString() };
}

export function renderReadMarker(marker: ReadMarkerRecord): { user: string; lastReadId: number; at: string } {
  return { user: marker.user, lastReadId: marker.lastReadId, at: marker.at.toISOString() };
}
