/** In-memory shapes of the hub's generic storage (server/hub/db/schema.ts), shared by load, merge and write. */

export type Fields = Record<string, unknown>;

/** One `rows` row: current fields, the HLC and the org version that last changed each field. */
export interface HubRow {
  fields: Fields;
  clocks: Record<string, string>;
  versions: Record<string, number>;
  /** Max of versions (and of the hard delete's version): what pulls page by. */
  version: number;
  gone: boolean;
}

/** Map key of a row or fact: table and id, NUL-separated (neither can contain NUL). */
export const keyOf = (table: string, id: string): string => `${table}\u0000${id}`;

export const splitKey = (key: string): [string, string] => {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
};

export function cloneRow(row: HubRow): HubRow {
  return { fields: { ...row.fields }, clocks: { ...row.clocks }, versions: { ...row.versions }, version: row.version, gone: row.gone };
}

export function emptyRow(): HubRow {
  return { fields: {}, clocks: {}, versions: {}, version: 0, gone: false };
}

/** Structural equality of JSON values, ignoring object key order (jsonb does not keep it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && sameJson(ao[k], bo[k]));
}
