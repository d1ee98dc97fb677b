import { QueryClient } from '@tanstack/react-query';
import { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
import type { PersistQueryClientOptions } from '@tanstack/react-query-persist-client';
import { ApiError } from '../../shared/api/client';
import { idbStorage } from './db';
import { persistable } from './persistable';

/**
 * Offline reading: the crew's React Query cache is saved to IndexedDB (throttled, as one JSON
 * document) and restored on start, so after a reload in a dead spot the phone still shows My work
 * and every work order it has seen (MyWork prefetches them all while online). The host stays the
 * source of truth: restored data is stale at once and refetched when the host answers.
 */

const WEEK_MS = 7 * 24 * 3600_000;

export function createCrewQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Kept (and persisted) for a week: a crew away from the depot Wi-Fi for days still has its work.
        gcTime: WEEK_MS,
        refetchOnWindowFocus: true, // a phone coming back from the pocket should show fresh work
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      },
    },
  });
}

// persistable.ts says which queries are saved; it is typed structurally: the persister packages pin
// their own (older) query-core, whose Query class is nominally different (vite.config.ts dedupes it).
export const crewPersistOptions: Omit<PersistQueryClientOptions, 'queryClient'> = {
  persister: createAsyncStoragePersister({ storage: idbStorage, key: 'crew-query-cache', throttleTime: 1000 }),
  maxAge: WEEK_MS,
  // A new build may change what the queries return: start from the host again rather than misread.
  buster: import.meta.env.VITE_CREW_BUILD_ID ?? 'dev',
  dehydrateOptions: { shouldDehydrateQuery: persistable },
};
