import { EntitySchema } from 'typeorm';
import { timestamp, type DatabaseKind } from './message.entity';

/** A room made by POST /api/rooms (#13). */
export class RoomEntity {
  room!: string;
  title!: string;
  visibility!: string;
  createdBy!: string;
  createdAt!: Date;
}

/** A member of a room and their role in it. */
export class RoomMemberEntity {
  room!: string;
  user!: string;
  role!: string;
  since!: Date;
}

/** How far a user has read in a room. */
export class ReadMarkerEntity {
  room!: string;
  user!: string;
  lastReadId!: number;
  at!: Date;
}

/** Mirror the #13 migration exactly, like messageSchema. */
export function roomSchemas(kind: DatabaseKind): EntitySchema[] {
  const time = timestamp(kind);
  return [
    new EntitySchema<RoomEntity>({
      name: 'Room',
      target: RoomEntity,
      tableName: 'rooms',
      columns: {
        room: { type: 'varchar', length: 64, primary: true },
        title: { type: 'varchar', length: 100 },
        visibility: { type: 'varchar', length: 8 },
        createdBy: { name: 'created_by', type: 'varchar', length: 64 },
        createdAt: { name: 'created_at', type: time },
      },
    }),
    new EntitySchema<RoomMemberEntity>({
      name: 'RoomMember',
      target: RoomMemberEntity,
      tableName: 'room_members',
      columns: {
        room: { type: 'varchar', length: 64, primary: true },
        user: { name: 'user_name', type: 'varchar', length: 64, primary: true },
        role: { type: 'varchar', length: 8 },
        since: { type: time },
      },
      indices: [{ name: 'ix_room_members_user', columns: ['user'] }],
    }),
    new EntitySchema<ReadMarkerEntity>({
      name: 'ReadMarker',
      target: ReadMarkerEntity,
      tableName: 'read_markers',
      columns: {
        room: { type: 'varchar', length: 64, primary: true },
        user: { name: 'user_name', type: 'varchar', length: 64, primary: true },
        lastReadId: { name: 'last_read_id', type: 'integer' },
        at: { type: time },
      },
    }),
  ];
}
