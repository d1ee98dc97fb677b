import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxAction } from './types';

/**
 * The phone's own database (IndexedDB, per origin): the outbox of actions not yet on the host and
 * the persisted React Query cache, so the crew view works through a Wi-Fi drop and a reload.
 */
interface CrewDb extends DBSchema {
  outbox: { key: string; value: OutboxAction; indexes: { seq: number } };
  /** Key/value strings for the query-cache persister (one entry: the dehydrated client). */
  kv: { key: string; value: string };
}

let opening: Promise<IDBPDatabase<CrewDb>> | null = null;

export function crewDb(): Promise<IDBPDatabase<CrewDb>> {
  opening ??= openDB<CrewDb>('depotdesk-crew', 1, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
      outbox.createIndex('seq', 'seq', { unique: true });
      db.createObjectStore('kv');
    },
    // Another tab opened a newer version (after an update): let it upgrade, reopen on next use.
    blocking() {
      void opening?.then((db) => db.close());
      opening = null;
    },
    terminated() {
      opening = null;
    },
  });
  return opening;
}

/** String storage for @tanstack/query-async-storage-persister, on the `kv` store. */
export const idbStorage = {
  async getItem(key: string): Promise<string | null> {
    return (await (await crewDb()).get('kv', key)) ?? null;
  },
  async setItem(key: string, value: string): Promise<void> {
    await (await crewDb()).put('kv', value, key);
  },
  async removeItem(key: string): Promise<void> {
    await (await crewDb()).delete('kv', key);
  },
};
