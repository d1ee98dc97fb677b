import { and, eq } from 'drizzle-orm';
import { userPreferences } from '../../db/schema/index.js';
import { iso } from '../http/contract-common.js';
import type { Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { UnauthorizedError, ValidationError } from '../errors.js';
import { PREFERENCE_MAX_BYTES, type PreferenceDto } from './contract.js';

/** A user's own settings, by key. Only ever the caller's rows: there is no way to name another user. */

type Row = typeof userPreferences.$inferSelect;

function userOf(ctx: Ctx): string {
  if (!ctx.actor.userId) throw new UnauthorizedError('Preferences belong to a signed-in user.');
  return ctx.actor.userId;
}

function findRow(ctx: Ctx, userId: string, key: string): Row | undefined {
  return ctx.host.db
    .select()
    .from(userPreferences)
    .where(and(eq(userPreferences.orgId, ctx.orgId), eq(userPreferences.userId, userId), eq(userPreferences.key, key)))
    .get();
}

function toDto(key: string, row: Row | undefined): PreferenceDto {
  return row
    ? { key, value: row.value as PreferenceDto['value'], updatedAt: iso(row.updatedAt), version: row.version }
    : { key, value: null, updatedAt: null, version: 0 };
}

export function getPreference(ctx: Ctx, key: string): PreferenceDto {
  return toDto(key, findRow(ctx, userOf(ctx), key));
}

export function putPreference(ctx: Ctx, key: string, value: unknown): PreferenceDto {
  const userId = userOf(ctx);
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > PREFERENCE_MAX_BYTES) {
    throw new ValidationError(`A preference holds at most ${PREFERENCE_MAX_BYTES} bytes of JSON; this one is ${bytes}.`, [
      { field: 'body.value', message: `must be at most ${PREFERENCE_MAX_BYTES} bytes as JSON` },
    ]);
  }
  return mutate(ctx, 'user_preference.saved', (w) => {
    const existing = findRow(ctx, userId, key);
    const row = existing
      ? w.update(userPreferences, existing.id, { value }, { before: existing }).after
      : w.insert(userPreferences, { userId, key, value });
    return toDto(key, row);
  });
}
