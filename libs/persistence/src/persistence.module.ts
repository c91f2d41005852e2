import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { CHAT_REPOSITORY, MESSAGE_REVISIONS, MODERATION_REPOSITORY, ROOM_REPOSITORY } from '@app/chat';
import { openDataSource, type DataSourceSettings } from './data-source.factory';
import { parseDatabaseUrl } from './database-url';
import { TypeOrmChatRepository } from './typeorm-chat.repository';
import { TypeOrmMessageRevisionRepository } from './typeorm-message-revision.repository';
import { TypeOrmModerationRepository } from './typeorm-moderation.repository';
import { TypeOrmRoomRepository } from './typeorm-room.repository';

/** Nest token of the open TypeORM DataSource (health checks, tests). */
export const DATA_SOURCE = Symbol('DataSource');

/**
 * Closes the DataSource last: the chat service drains its write queue in beforeApplicationShutdown,
 * which Nest runs for every module before any onApplicationShutdown.
 */
@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('Persistence');
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    await this.dataSource.destroy().catch((error: unknown) => this.logger.warn(`closing the database failed: ${String(error)}`));
  }
}

export interface PersistenceOptions extends DataSourceSettings {
  /** DATABASE_URL; when left out, AppConfig.DATABASE_URL (AppConfig must then be injectable). */
  databaseUrl?: string;
}

@Module({})
export class PersistenceModule {
  /** Opens the database (running migrations) and provides the chat's repositories and DATA_SOURCE to the whole app. */
  static forRoot(options: string | PersistenceOptions = {}): DynamicModule {
    const settings: PersistenceOptions = typeof options === 'string' ? { databaseUrl: options } : options;
    const logger = new Logger('Persistence');
    const dataSourceProvider = settings.databaseUrl
      ? { provide: DATA_SOURCE, useFactory: () => open(settings.databaseUrl!, settings, logger) }
      : {
          provide: DATA_SOURCE,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => open(config.DATABASE_URL, settings, logger),
        };
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        dataSourceProvider,
        {
          provide: CHAT_REPOSITORY,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new TypeOrmChatRepository(dataSource),
        },
        { provide: ROOM_REPOSITORY, inject: [DATA_SOURCE], useFactory: (dataSource: DataSource) => new TypeOrmRoomRepository(dataSource) },
        {
          provide: MESSAGE_REVISIONS,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new TypeOrmMessageRevisionRepository(dataSource),
        },
        {
          provide: MODERATION_REPOSITORY,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new TypeOrmModerationRepository(dataSource),
        },
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE, CHAT_REPOSITORY, ROOM_REPOSITORY, MESSAGE_REVISIONS, MODERATION_REPOSITORY],
    };
  }
}

async function open(url: string, settings: DataSourceSettings, logger: Logger): Promise<DataSource> {
  const target = parseDatabaseUrl(url);
  const dataSource = await openDataSource(url, settings);
  // Never log the PostgreSQL URL itself: it may carry a password.
  logger.log(target.kind === 'sqlite' ? `SQLite database ${target.path}` : 'PostgreSQL database');
  return dataSource;
}
