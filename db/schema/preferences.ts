import { sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, json, orgId, tracked } from './columns.js';
import { organizations, users } from './org.js';

/**
 * Per-user console settings (board filters, column choices), kept on the host so they follow the
 * user to another console. One row per (user, key); the value is small JSON validated on the way in.
 */
export const userPreferences = sqliteTable(
  'user_preferences',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    key: text('key').notNull(),
    value: json('value').notNull(),
    ...tracked(),
  },
  (t) => [uniqueIndex('user_preferences_user_key_uq').on(t.orgId, t.userId, t.key)],
);
