import { z } from 'zod';

/** CSV per RFC 4180 (CRLF, quoted fields), with a guard against formula injection in spreadsheets. */

/**
 * A text cell starting with = + - @ (or a tab / carriage return) is read as a formula by Excel and
 * LibreOffice, so a work-order title like `=HYPERLINK(...)` could run on the manager's desk (OWASP
 * "CSV injection"). Such cells get a leading apostrophe. Numbers are left alone: -5 stays -5.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number' || typeof value === 'bigint') text = String(value);
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (typeof value === 'string') text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  else {
    text = JSON.stringify(value);
    if (/^[=+\-@]/.test(text)) text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Column paths of a list item, from its schema: nested objects become dotted columns
 * ("meta.lat"), arrays and anything else stay one column (JSON-encoded). Null when the schema is
 * not a plain object (the caller then uses the first row's keys).
 */
export function columnsOf(schema: z.ZodType, prefix = '', depth = 0): string[] | null {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return null;
  const out: string[] = [];
  for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    const nested = depth < 1 ? columnsOf(child, `${prefix}${key}.`, depth + 1) : null;
    if (nested && nested.length > 0) out.push(...nested);
    else out.push(`${prefix}${key}`);
  }
  return out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  // nullable/optional/default wrappers around an object still flatten to its fields.
  for (let i = 0; i < 5; i++) {
    if (s instanceof z.ZodNullable || s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else break;
  }
  return s;
}

/** Flattened keys of a plain object (the fallback when the schema does not say). */
export function keysOf(item: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(item)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...Object.keys(v).map((c) => `${k}.${c}`));
    else out.push(k);
  }
  return out;
}

export function pick(item: Record<string, unknown>, column: string): unknown {
  const dot = column.indexOf('.');
  if (dot < 0) return item[column];
  const parent = item[column.slice(0, dot)];
  return parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[column.slice(dot + 1)] : undefined;
}

/** The item schema of a `page(item)` response schema, or null when the response is not a page. */
export function pageItemSchema(response: z.ZodType | null | undefined): z.ZodType | null {
  if (!(response instanceof z.ZodObject)) return null;
  const shape = response.shape as Record<string, z.ZodType>;
  const items = shape.items;
  if (!items || !('nextCursor' in shape) || !(items instanceof z.ZodArray)) return null;
  return items.element as z.ZodType;
}
