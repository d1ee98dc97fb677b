import { createHash } from 'node:crypto';

/**
 * The content half of the drift check (docs/sync.md "Drift"): a row's fields in one canonical
 * spelling, so the hub (fields as PostgreSQL jsonb) and a depot (SQLite columns read back as the
 * wire's values) hash the same row to the same digest. Shared by both sides: one spelling, one
 * place. Object keys are sorted (jsonb does not keep their order), a missing field is null (the hub
 * may lack a column a depot's release added, and the other way round), and a Date is its epoch ms.
 */

function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return String(value.getTime());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The named fields of a row, in the order given: what the two sides compare. */
export function rowContent(fields: Record<string, unknown>, columns: readonly string[]): string {
  return `[${columns.map((c) => canonical(fields[c])).join(',')}]`;
}

/** One bucket's digest: its rows' ids and contents, in id order (bytewise, as both sides sort). */
export class BucketDigest {
  private readonly hash = createHash('md5');
  count = 0;
  add(id: string, content: string): void {
    this.hash.update(`${id}\n${content}\n`);
    this.count++;
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}
