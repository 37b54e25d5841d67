import { OtnRequestEntity } from '../otn/otn-request.entity.js';
import { OtnSendEntity } from '../otn/otn-send.entity.js';
import { OtnTokenEntity } from '../otn/otn-token.entity.js';
import { PageSettingEntity } from '../pages/page-setting.entity.js';
import { ThreadWindowEntity } from '../window/thread-window.entity.js';

/** The one PostgreSQL schema this service owns; nobody else reads or writes it. */
export const NOTIFICATIONS_SCHEMA = 'notifications';

/** Listed explicitly: TypeORM globs cannot load .ts under vitest and break bundled builds. */
export const NOTIFICATIONS_ENTITIES = [PageSettingEntity, OtnTokenEntity, OtnRequestEntity, OtnSendEntity, ThreadWindowEntity];
