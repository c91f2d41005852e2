export { parseDatabaseUrl, DatabaseUrlError, type DatabaseTarget } from './database-url';
export { MessageEntity, messageSchema, type DatabaseKind } from './message.entity';
export { RoomEntity, RoomMemberEntity, ReadMarkerEntity, roomSchemas } from './room.entity';
export { MIGRATIONS } from './migrations';
export { openDataSource, dataSourceOptions, SQLITE_BUSY_TIMEOUT_MS, type DataSourceSettings } from './data-source.factory';
export { TypeOrmChatRepository } from './typeorm-chat.repository';
export { TypeOrmRoomRepository } from './typeorm-room.repository';
export { TypeOrmMessageRevisionRepository } from './typeorm-message-revision.repository';
export { PersistenceModule, DATA_SOURCE, type PersistenceOptions } from './persistence.module';
