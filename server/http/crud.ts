import { and, eq, getTableName, or, sql, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import type { Permission } from '../auth/permissions.js';
import type { Ctx } from '../core/context.js';
import { mutate, type InsertValues, type ManagedTable, type Writer } from '../core/mutate.js';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import { Id, iso, ListQueryBase, page } from './contract-common.js';
import { afterCursor, orderBy, parseSort, toPage } from './pagination.js';
import { defineRoute, Reply, type AnyRoute } from './route.js';

/**
 * A small CRUD factory for the catalog entities (depots, locations, assets, ...). Each entity would
 * otherwise repeat the same five endpoints with the same org scoping, paging, ETag and error rules;
 * one implementation keeps those rules identical everywhere. Entity-specific behaviour goes in hooks.
 */

/** Tables the factory manages: org-owned, with timestamps and an optimistic-concurrency version. */
export type CrudTable = ManagedTable & { orgId: SQLiteColumn; createdAt: SQLiteColumn; updatedAt: SQLiteColumn; version: SQLiteColumn };
type Row<T extends CrudTable> = InferSelectModel<T>;
type Values = Record<string, unknown>;

export { TrackedDto, patchSchema, QueryBool } from './crud-contract.js';

export function trackedDto(row: { id: string; version: number; createdAt: number; updatedAt: number }) {
  return { id: row.id, version: row.version, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

// ---------------------------------------------------------------- write helpers

/** 409 `duplicate` with the offending fields, e.g. a location code that is already taken. */
export class DuplicateError extends AppError {
  constructor(entity: string, fields: string[]) {
    super(
      409,
      'duplicate',
      `Another ${entity} already has this ${fields.join(' and ')}; it must be unique.`,
      fields.map((f) => ({ field: `body.${f}`, message: `already used by another ${entity}` })),
    );
  }
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Turns SQLite's "UNIQUE constraint failed: locations.org_id, locations.code" into a 409 naming `code`. */
export function uniqueViolation(err: unknown, entity: string): DuplicateError | null {
  const e = err as { code?: string; message?: string } | null;
  if (e?.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e?.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
  const cols = (e.message ?? '')
    .replace(/^.*constraint failed:\s*/i, '')
    .split(',')
    .map((c) => c.trim().split('.').pop() ?? '');
  const fields = cols.filter((c) => c && c !== 'org_id').map(camel);
  return new DuplicateError(entity, fields.length ? fields : ['value']);
}

/** mutate() with unique-constraint violations answered as 409 duplicate instead of 500. */
export function mutateEntity<R>(ctx: Ctx, entity: string, action: string, fn: (w: Writer) => R): R {
  try {
    return mutate(ctx, action, fn);
  } catch (err) {
    throw uniqueViolation(err, entity) ?? err;
  }
}

/**
 * A foreign id in a request body must name a row of the caller's own org. Another org's id is
 * treated exactly like a missing one, so nothing leaks about other tenants.
 */
export function assertSameOrg(w: Writer, table: ManagedTable, id: string, field: string, entity = getTableName(table)) {
  const row = w.find(table, id);
  if (!row) {
    throw new AppError(400, 'unknown_reference', `No ${entity} with id ${id} in your organization (${field}).`, [
      { field: `body.${field}`, message: `no such ${entity}` },
    ]);
  }
  return row;
}

/** `If-Match: "3"` (or W/"3") → 3; absent or `*` → undefined (last write wins, as without the header). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m?.[1]) {
    throw new ValidationError('If-Match must be the ETag from a previous read, e.g. "3".', [
      { field: 'header.if-match', message: 'must be an ETag such as "3"' },
    ]);
  }
  return Number(m[1]);
}

export const etag = (version: number) => ({ ETag: `"${version}"` });

/** LIKE pattern matching `text` anywhere, with the LIKE wildcards in it taken literally. */
export function containsLike(columns: SQLiteColumn[], text: string): SQL | undefined {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return or(...columns.map((c) => sql`${c} LIKE ${pattern} ESCAPE '\\'`));
}

// ---------------------------------------------------------------- the factory

export interface CrudConfig<T extends CrudTable, C extends z.ZodType, U extends z.ZodType, D extends z.ZodType> {
  table: T;
  /** Singular, for messages and actions: "location". */
  entity: string;
  /** Collection path below /api/v1: "/locations", or "/projects/:projectId/phases" with `parent`. */
  path: string;
  tag: string;
  create: C;
  update: U;
  dto: D;
  toDto: (row: Row<T>) => z.infer<D>;
  read: Permission;
  write: Permission;
  sort: { keys: Record<string, SQLiteColumn>; default: string };
  /** `?key=value` equality filters; the schema turns the query text into the column's value. */
  filters?: Record<string, { column: SQLiteColumn; schema: z.ZodType }>;
  /** Columns `?q=` searches with LIKE. */
  search?: SQLiteColumn[];
  /** Body fields holding foreign ids, checked to belong to the caller's org. */
  refs?: Record<string, { table: ManagedTable; entity: string }>;
  /** For nested collections: the path param naming the parent and the row's column holding it. */
  parent?: { param: string; key: string; table: ManagedTable; entity: string };
  /** Body → column values (default: the body itself; the body schemas mirror the columns). */
  toCreateRow?: (body: z.output<C>, prepared: Values) => Values;
  toUpdateRow?: (body: z.output<U>, prepared: Values) => Values;
  /** Async work that cannot run inside the synchronous transaction (password hashing). */
  prepare?: (body: z.output<C> | z.output<U>) => Promise<Values>;
  /** Extra checks inside the transaction, after the foreign ids were checked. */
  validate?: (w: Writer, values: Values, before?: Row<T>) => void;
  afterWrite?: (w: Writer, after: Row<T>, before?: Row<T>) => void;
  /** Removes the row's owned parts (team members, project phases) so they do not block the delete. */
  beforeDelete?: (w: Writer, row: Row<T>) => void;
}

export type CrudOp = 'list' | 'get' | 'create' | 'update' | 'delete';

export function defineCrud<T extends CrudTable, C extends z.ZodType, U extends z.ZodType, D extends z.ZodType>(
  cfg: CrudConfig<T, C, U, D>,
) {
  const { table, entity } = cfg;
  const col = (key: string) => (table as unknown as Record<string, SQLiteColumn>)[key];
  const field = (row: unknown, key: string) => (row as Values)[key];
  const parentColumn = cfg.parent ? col(cfg.parent.key) : undefined;
  if (cfg.parent && !parentColumn) throw new Error(`${entity}: no column ${cfg.parent.key}`);

  function checkParent(ctx: Ctx, params: Values) {
    const p = cfg.parent;
    if (!p) return;
    const found = ctx.host.db
      .select({ id: p.table.id })
      .from(p.table as SQLiteTable)
      .where(and(eq(p.table.id, String(params[p.param])), eq(p.table.orgId ?? p.table.id, ctx.orgId)))
      .get();
    if (!found) throw new NotFoundError(p.entity, String(params[p.param]));
  }

  function load(ctx: Ctx, params: Values): Row<T> {
    checkParent(ctx, params);
    const id = String(params.id);
    const conds = [eq(table.id, id), eq(table.orgId, ctx.orgId)];
    if (cfg.parent && parentColumn) conds.push(eq(parentColumn, String(params[cfg.parent.param])));
    const row = ctx.host.db
      .select()
      .from(table as SQLiteTable)
      .where(and(...conds))
      .get();
    if (!row) throw new NotFoundError(entity, id);
    return row as Row<T>;
  }

  /** Inside the transaction: the row again (it may have changed since `load`), under the same scoping. */
  function loadForWrite(w: Writer, params: Values): Row<T> {
    const row = w.get(table, String(params.id), entity) as Row<T>;
    if (cfg.parent && field(row, cfg.parent.key) !== params[cfg.parent.param]) throw new NotFoundError(entity, String(params.id));
    return row;
  }

  function checkRefs(w: Writer, values: Values) {
    for (const [key, ref] of Object.entries(cfg.refs ?? {})) {
      const v = values[key];
      if (typeof v === 'string') assertSameOrg(w, ref.table, v, key, ref.entity);
    }
  }

  const service = {
    list(ctx: Ctx, params: Values, query: Values) {
      checkParent(ctx, params);
      const spec = parseSort(query.sort as string | undefined, cfg.sort.keys, cfg.sort.default);
      const conds: (SQL | undefined)[] = [eq(table.orgId, ctx.orgId)];
      if (cfg.parent && parentColumn) conds.push(eq(parentColumn, String(params[cfg.parent.param])));
      for (const [key, f] of Object.entries(cfg.filters ?? {})) {
        if (query[key] !== undefined) conds.push(eq(f.column, query[key]));
      }
      if (cfg.search && typeof query.q === 'string' && query.q.length > 0) conds.push(containsLike(cfg.search, query.q));
      conds.push(afterCursor(spec, table.id, query.cursor as string | undefined));
      const limit = query.limit as number;
      const rows = ctx.host.db
        .select()
        .from(table as SQLiteTable)
        .where(and(...conds))
        .orderBy(...orderBy(spec, table.id))
        .limit(limit + 1)
        .all() as (Row<T> & { id: string })[];
      const p = toPage(rows, limit, spec, (row) => (field(row, spec.key) ?? null) as string | number | null);
      return { items: p.items.map(cfg.toDto), nextCursor: p.nextCursor };
    },

    get: (ctx: Ctx, params: Values) => load(ctx, params),

    async create(ctx: Ctx, params: Values, body: z.output<C>): Promise<Row<T>> {
      checkParent(ctx, params);
      const prepared = cfg.prepare ? await cfg.prepare(body) : {};
      const values: Values = cfg.toCreateRow ? cfg.toCreateRow(body, prepared) : { ...(body as Values), ...prepared };
      if (cfg.parent) values[cfg.parent.key] = params[cfg.parent.param];
      return mutateEntity(ctx, entity, `${entity}.created`, (w) => {
        checkRefs(w, values);
        cfg.validate?.(w, values);
        // The body schemas mirror the table's columns; zod has checked every value already.
        const row = w.insert(table, values as InsertValues<T>) as Row<T>;
        cfg.afterWrite?.(w, row);
        return row;
      });
    },

    async update(ctx: Ctx, params: Values, body: z.output<U>, expectedVersion: number | undefined): Promise<Row<T>> {
      load(ctx, params);
      const prepared = cfg.prepare ? await cfg.prepare(body) : {};
      const values: Values = cfg.toUpdateRow ? cfg.toUpdateRow(body, prepared) : { ...(body as Values), ...prepared };
      return mutateEntity(ctx, entity, `${entity}.updated`, (w) => {
        const before = loadForWrite(w, params);
        checkRefs(w, values);
        cfg.validate?.(w, values, before);
        // Same reasoning as in create; `never` because drizzle's partial-row type of a generic table is not expressible here.
        const { after } = w.update(table, before.id as string, values as never, { expectedVersion, before });
        cfg.afterWrite?.(w, after as Row<T>, before);
        return after as Row<T>;
      });
    },

    remove(ctx: Ctx, params: Values): void {
      load(ctx, params);
      mutateEntity(ctx, entity, `${entity}.deleted`, (w) => {
        const row = loadForWrite(w, params);
        cfg.beforeDelete?.(w, row);
        w.remove(table, row.id as string);
      });
    },
  };

  const parentShape = cfg.parent ? { [cfg.parent.param]: Id } : {};
  const CollectionParams = z.strictObject(parentShape);
  const ItemParams = z.strictObject({ ...parentShape, id: Id });
  const filterShape: Record<string, z.ZodType> = {};
  for (const [key, f] of Object.entries(cfg.filters ?? {})) filterShape[key] = f.schema.optional();
  const ListQuery = z.strictObject({
    ...ListQueryBase,
    sort: z
      .string()
      .max(60)
      .optional()
      .meta({ description: `One of ${Object.keys(cfg.sort.keys).join(', ')}; prefix "-" for descending` }),
    ...(cfg.search ? { q: z.string().trim().max(200).optional() } : {}),
    ...filterShape,
  });
  const item = `${cfg.path}/:id`;
  const toDto = (row: Row<T>) => cfg.toDto(row);

  const routes: Record<CrudOp, AnyRoute> = {
    list: defineRoute({
      method: 'get',
      path: cfg.path,
      tag: cfg.tag,
      access: cfg.read,
      summary: `List ${entity} records (keyset paging, filters, sort)`,
      params: CollectionParams,
      query: ListQuery,
      response: page(cfg.dto),
      handler: ({ ctx, params, query }) => service.list(ctx, params, query),
    }),
    get: defineRoute({
      method: 'get',
      path: item,
      tag: cfg.tag,
      access: cfg.read,
      summary: `One ${entity}; its ETag is the version to send back in If-Match`,
      params: ItemParams,
      response: cfg.dto,
      handler: ({ ctx, params }) => {
        const row = service.get(ctx, params);
        return new Reply(200, toDto(row), etag(row.version as number));
      },
    }),
    create: defineRoute({
      method: 'post',
      path: cfg.path,
      tag: cfg.tag,
      access: cfg.write,
      summary: `Create a ${entity}`,
      params: CollectionParams,
      body: cfg.create,
      response: cfg.dto,
      errors: [409],
      handler: async ({ ctx, params, body }) => {
        const row = await service.create(ctx, params, body);
        return new Reply(201, toDto(row), etag(row.version as number));
      },
    }),
    update: defineRoute({
      method: 'patch',
      path: item,
      tag: cfg.tag,
      access: cfg.write,
      summary: `Change a ${entity}; send If-Match with the ETag you read to refuse a stale edit (409)`,
      params: ItemParams,
      body: cfg.update,
      response: cfg.dto,
      errors: [409],
      handler: async ({ ctx, params, body, req }) => {
        const row = await service.update(ctx, params, body, parseIfMatch(req.get('if-match')));
        return new Reply(200, toDto(row), etag(row.version as number));
      },
    }),
    delete: defineRoute({
      method: 'delete',
      path: item,
      tag: cfg.tag,
      access: cfg.write,
      summary: `Delete a ${entity} (409 in_use while other records still refer to it)`,
      params: ItemParams,
      response: null,
      errors: [409],
      handler: ({ ctx, params }) => {
        service.remove(ctx, params);
        return new Reply(204, undefined);
      },
    }),
  };

  return {
    service,
    toDto,
    routes(...except: CrudOp[]): AnyRoute[] {
      return (Object.keys(routes) as CrudOp[]).filter((op) => !except.includes(op)).map((op) => routes[op]);
    },
  };
}
