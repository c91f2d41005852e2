import { CreateMessages1732204800000 } from './1732204800000-create-messages.migration';
import { RoomSequences1733400000000 } from './1733400000000-room-sequences.migration';
import { CreateRoomsMembersReads1796172000000 } from './1796172000000-rooms-members-reads.migration';
import { Moderation1796259600000 } from './1796259600000-moderation.migration';

/** Every migration, oldest first. Run at start (`migrationsRun`); the schema is never synchronized. */
export const MIGRATIONS = [
  CreateMessages1732204800000, RoomSequences1733400000000, CreateRoomsMembersReads1796172000000, Moderation1796259600000,
];
