import { and, eq, isNotNull, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { can, type Permission } from '../auth/permissions.js';
import type { Ctx } from '../core/context.js';
import { mutate, type InsertValues, type ManagedTable, type Writer } from '../core/mutate.js';
import { findDeleted, isDeletable, liveOnly, restore, tombstone, type Part } from '../core/tombstone.js';
import { AppError, ForbiddenError, NotFoundError } from '../errors.js';
import { assertSameOrg, containsLike, etag, mutateEntity, parseIfMatch, uniqueViolation } from './crud-helpers.js';
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

export function trackedDto(row: { id: string; version: number; createdAt: number; updatedAt: number; deletedAt?: number | null }) {
  const dto = { id: row.id, version: row.version, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
  // Only a tombstone says when it was deleted (the `?deleted=only` list the restore view reads).
  return row.deletedAt ? { ...dto, deletedAt: iso(row.deletedAt) } : dto;
}

export { DuplicateError, uniqueViolation, mutateEntity, assertSameOrg, parseIfMatch, etag, containsLike } from './crud-helpers.js';

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
  /** The row's owned parts (team members, project phases): tombstoned with it, and restored with it. */
  parts?: Part[];
  /**
   * Columns of a natural key unique over all rows, tombstoned ones included (skill name, SKU): a
   * create with a deleted row's key brings that row back with the new values instead of inserting a
   * twin (which the unique index would refuse). Columns the body leaves out keep the old row's values.
   */
  revive?: string[];
}

export type CrudOp = 'list' | 'get' | 'create' | 'update' | 'delete' | 'restore';

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
      .where(and(eq(p.table.id, String(params[p.param])), eq(p.table.orgId ?? p.table.id, ctx.orgId), liveOnly(p.table)))
      .get();
    if (!found) throw new NotFoundError(p.entity, String(params[p.param]));
  }

  function load(ctx: Ctx, params: Values, deleted = false): Row<T> {
    checkParent(ctx, params);
    const id = String(params.id);
    const conds = [
      eq(table.id, id),
      eq(table.orgId, ctx.orgId),
      deleted && isDeletable(table) ? isNotNull(table.deletedAt) : liveOnly(table),
    ];
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
    if ((field(row, 'deletedAt') ?? null) !== null) throw new NotFoundError(entity, String(params.id));
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
      const conds: (SQL | undefined)[] = [eq(table.orgId, ctx.orgId), listState(ctx, query.deleted)];
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
        const dead = revivable(w, values);
        // The body schemas mirror the table's columns; zod has checked every value already.
        const row = dead
          ? (w.update(table, dead.id as string, { ...values, deletedAt: null, deletedBy: null } as never, { before: dead }).after as Row<T>)
          : (w.insert(table, values as InsertValues<T>) as Row<T>);
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
        if (isDeletable(table)) tombstone(w, table, row.id as string, { entity, parts: cfg.parts ?? [] });
        else w.remove(table, row.id as string);
      });
    },

    /** Undoes a delete, with the parts that delete took along; same permission as delete. */
    restore(ctx: Ctx, params: Values): Row<T> {
      if (!isDeletable(table)) throw new NotFoundError(entity, String(params.id));
      load(ctx, params, true);
      try {
        return mutate(ctx, `${entity}.restored`, (w) => restore(w, table, String(params.id), { entity, parts: cfg.parts ?? [] }) as Row<T>);
      } catch (err) {
        const dup = uniqueViolation(err, entity);
        if (!dup) throw err;
        const fields = dup.errors.map((e) => e.field.replace(/^body\./, ''));
        throw new AppError(
          409,
          'duplicate',
          `Another ${entity} now has this ${fields.join(' and ')}; rename or delete it before restoring this one.`,
          dup.errors,
        );
      }
    },
  };

  /** `?deleted=only` lists tombstones for the restore view, to those who may restore; default: live rows. */
  function listState(ctx: Ctx, deleted: unknown): SQL | undefined {
    if (deleted !== 'only' || !isDeletable(table)) return liveOnly(table);
    if (!can(ctx.actor.role, cfg.write)) throw new ForbiddenError(`Listing deleted ${entity} records needs the "${cfg.write}" permission.`);
    return isNotNull(table.deletedAt);
  }

  /** The tombstoned row holding a create's natural key (`revive`), if any. */
  function revivable(w: Writer, values: Values): Row<T> | undefined {
    if (!cfg.revive || !isDeletable(table)) return undefined;
    const conds = cfg.revive.map((key) => eq(col(key) as SQLiteColumn, values[key]));
    const found = w.ctx.host.db
      .select({ id: table.id })
      .from(table as SQLiteTable)
      .where(and(eq(table.orgId, w.ctx.orgId), ...conds))
      .get() as { id: string } | undefined;
    return found ? findDeleted(w, table, found.id) : undefined;
  }

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
    ...(isDeletable(table)
      ? {
          deleted: z
            .enum(['only'])
            .optional()
            .meta({ description: 'only: deleted records instead of live ones (needs the write permission)' }),
        }
      : {}),
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
    restore: defineRoute({
      method: 'post',
      path: `${item}/restore`,
      tag: cfg.tag,
      access: cfg.write,
      summary: `Undo the delete of a ${entity}, with what that delete took along (409 duplicate when a live ${entity} now has its code or name)`,
      params: ItemParams,
      response: cfg.dto,
      status: 200,
      errors: [409],
      handler: ({ ctx, params }) => {
        const row = service.restore(ctx, params);
        return new Reply(200, toDto(row), etag(row.version as number));
      },
    }),
  };

  return {
    service,
    toDto,
    routes(...except: CrudOp[]): AnyRoute[] {
      // Restore exists only where delete makes tombstones (not for telemetry devices, say).
      const skip = isDeletable(table) ? except : [...except, 'restore'];
      return (Object.keys(routes) as CrudOp[]).filter((op) => !skip.includes(op)).map((op) => routes[op]);
    },
  };
}
