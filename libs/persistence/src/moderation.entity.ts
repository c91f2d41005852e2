import { EntitySchema } from 'typeorm';
import { timestamp, type DatabaseKind } from './message.entity';

export class RoomBanEntity {
  room!: string;
  user!: string;
  by!: string;
  reason!: string | null;
  at!: Date;
}

export class RoomMuteEntity {
  room!: string;
  user!: string;
  by!: string;
  until!: Date;
  at!: Date;
}

export class ModerationAuditEntity {
  id!: number;
  at!: Date;
  actor!: string;
  action!: string;
  room!: string | null;
  user!: string | null;
  messageId!: number | null;
  detail!: string | null;
}

/** Mirror the moderation migration exactly, like messageSchema. */
export function moderationSchemas(kind: DatabaseKind): EntitySchema[] {
  const time = timestamp(kind);
  return [
    new EntitySchema<RoomBanEntity>({
      name: 'RoomBan',
      target: RoomBanEntity,
      tableName: 'room_bans',
      columns: {
        room: { type: 'varchar', length: 64, primary: true },
        user: { name: 'user_name', type: 'varchar', length: 64, primary: true },
        by: { name: 'banned_by', type: 'varchar', length: 64 },
        reason: { type: 'varchar', length: 500, nullable: true },
        at: { type: time },
      },
    }),
    new EntitySchema<RoomMuteEntity>({
      name: 'RoomMute',
      target: RoomMuteEntity,
      tableName: 'room_mutes',
      columns: {
        room: { type: 'varchar', length: 64, primary: true },
        user: { name: 'user_name', type: 'varchar', length: 64, primary: true },
        by: { name: 'muted_by', type: 'varchar', length: 64 },
        until: { type: time },
        at: { type: time },
      },
    }),
    new EntitySchema<ModerationAuditEntity>({
      name: 'ModerationAudit',
      target: ModerationAuditEntity,
      tableName: 'moderation_audit',
      columns: {
        id: { type: 'integer', primary: true, generated: 'increment' },
        at: { type: time },
        actor: { type: 'varchar', length: 64 },
        action: { type: 'varchar', length: 16 },
        room: { type: 'varchar', length: 64, nullable: true },
        user: { name: 'user_name', type: 'varchar', length: 64, nullable: true },
        messageId: { name: 'message_id', type: 'integer', nullable: true },
        detail: { type: 'varchar', length: 500, nullable: true },
      },
      indices: [{ name: 'ix_moderation_audit_room', columns: ['room', 'id'] }],
    }),
  ];
}
