import type { MemberRecord, MemberRole, PrivateRoomPolicy, ReadMarkerRecord, RoomListing, RoomRecord } from './room-records';

/** Rooms, members and read markers in storage (libs/persistence implements it over TypeORM). */
export interface RoomRepository {
  /** The room with a row of its own, or else described from its messages; undefined when neither exists. */
  find(room: string): Promise<RoomRecord | undefined>;
  /** Inserts the room and its owner; false (nothing written) when the room exists, as a row or by its messages. */
  create(record: RoomRecord): Promise<boolean>;
  /** Public rooms and the private ones `viewer` is a member of, by name; `unread` only when viewer is given. */
  list(viewer: string | undefined): Promise<RoomListing[]>;
  /** Every private room and its members (what a node loads at start and after a relay outage). */
  privateRooms(): Promise<PrivateRoomPolicy[]>;
  /** One private room's policy, or undefined when the room is not private (or does not exist). */
  privateRoom(room: string): Promise<PrivateRoomPolicy | undefined>;
  members(room: string): Promise<MemberRecord[]>;
  /** False when the user was a member already (their role is kept). */
  addMember(room: string, user: string, role: MemberRole, since: Date): Promise<boolean>;
  /** False when the user was no member. */
  removeMember(room: string, user: string): Promise<boolean>;
  /** Read markers of the room, by user name. */
  readMarkers(room: string): Promise<ReadMarkerRecord[]>;
  /**
   * Moves the user's marker to `lastReadId` if that is forward (or the first one); returns the marker as
   * stored afterwards and whether it moved.
   */
  advanceReadMarker(room: string, user: string, lastReadId: number, at: Date): Promise<{ marker: ReadMarkerRecord; moved: boolean }>;
}

export const ROOM_REPOSITORY = Symbol('RoomRepository');
