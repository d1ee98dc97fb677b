import { v5 } from 'uuid';

/**
 * Deterministic ids for facts that two depots may create independently while offline.
 *
 * A checklist answer for (work order, item), a stock level for (depot, item): if each depot gave
 * its row a fresh UUIDv7, the hub would receive two ids for one natural key and the unique index
 * would make the second an abort instead of a last-writer-wins update. Deriving the id from the
 * natural key (UUIDv5) makes both depots name the same row, so their writes merge as updates of it.
 *
 * The name is `<table>:<org>:<part>:<part>…`: the org is part of every name so two organizations
 * never share an id, and the table keeps equal keys of different tables apart. Parts are joined
 * with ":"; that stays unambiguous as long as only the last part may contain ":" (ids are UUIDs,
 * and a checklist item id, which is free text from a template, always comes last).
 *
 * NEVER change NATURAL_ID_NAMESPACE or the name layout: ids already stored (and synced) would stop
 * matching the ones computed for the same key.
 */
export const NATURAL_ID_NAMESPACE = '6d8d0d8a-2c1e-40a3-a09e-b7eda5e45685';

export function naturalId(table: string, orgId: string, ...keyParts: string[]): string {
  if (keyParts.length === 0) throw new Error(`naturalId(${table}): a natural key needs at least one part`);
  return v5([table, orgId, ...keyParts].join(':'), NATURAL_ID_NAMESPACE);
}

/** The id of the (depot, item) stock level. */
export const stockLevelId = (orgId: string, depotId: string, itemId: string) => naturalId('stock_levels', orgId, depotId, itemId);

/** The id of the answer to one checklist item of one work order. */
export const checklistResultId = (orgId: string, workOrderId: string, itemId: string) =>
  naturalId('checklist_results', orgId, workOrderId, itemId);
