import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId } from './columns.js';
import { organizations, sessions, users } from './org.js';

/**
 * One-time codes that sign a crew phone in as a technician (shown as a QR on the console).
 * Only the SHA-256 of the code is kept: a copied database pairs no phone.
 */
export const pairingCodes = sqliteTable(
  'pairing_codes',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    /** The technician the phone will be signed in as. */
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /**
     * SHA-256 of the normalised code. An 8-character code's hash is cheap to brute-force offline, so
     * the write path redacts `codeHash` from the audit log, and the table never enters the change log.
     */
    codeHash: text('code_hash').notNull(),
    createdBy: text('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    usedSessionId: text('used_session_id').references(() => sessions.id),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('pairing_codes_hash_uq').on(t.codeHash), index('pairing_codes_org_expires_idx').on(t.orgId, t.expiresAt)],
);
