import { InitConsole1764100000000 } from '../migrations/1764100000000-InitConsole.js';
import { ConsoleOwnerVersion1764113000000 } from '../migrations/1764113000000-ConsoleOwnerVersion.js';
import { ConsoleRevokedSessions1764160000000 } from '../migrations/1764160000000-ConsoleRevokedSessions.js';
import { RevokedSessionEntity } from '../auth/revoked-session.entity.js';
import { ConsoleThreadEntity } from '../timeline/console-thread.entity.js';
import { TimelineEntryEntity } from '../timeline/timeline-entry.entity.js';

/** The one PostgreSQL schema the console owns; it reads no other app's tables. */
export const CONSOLE_SCHEMA = 'console';

/** Listed explicitly: TypeORM globs cannot load .ts under vitest and break bundled builds. */
export const CONSOLE_ENTITIES = [ConsoleThreadEntity, TimelineEntryEntity, RevokedSessionEntity];
export const CONSOLE_MIGRATIONS = [InitConsole1764100000000, ConsoleOwnerVersion1764113000000, ConsoleRevokedSessions1764160000000];
