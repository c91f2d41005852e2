import { CreateMessages1732204800000 } from './1732204800000-create-messages.migration';

/** Every migration, oldest first. Run at start (`migrationsRun`); the schema is never synchronized. */
export const MIGRATIONS = [CreateMessages1732204800000];
