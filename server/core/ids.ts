import { v7 } from 'uuid';

/** UUIDv7: unique across depots without coordination, and time-ordered for friendly B-tree inserts. */
export function newId(): string {
  return v7();
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
