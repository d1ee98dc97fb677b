/**
 * Which queries the crew view saves to the phone (persist.ts): every one that holds data, except
 * files and object URLs (they are not JSON and would not survive the page anyway).
 */
export function persistable(query: { queryKey: readonly unknown[]; state: { status: string; data: unknown } }): boolean {
  // What a query last had, whatever its last fetch did: offline, a refetch fails and the query turns
  // 'error' with its data kept. Saving only 'success' dropped those from the phone's copy, so a reload
  // offline lost the checklist (or the attendance card) that had been on screen a moment before.
  if (query.state.data === undefined) return false;
  const [table, sub] = query.queryKey;
  if (table === 'attachments' && sub === 'file') return false;
  const data = query.state.data;
  if (typeof data === 'string' && data.startsWith('blob:')) return false;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return false;
  return true;
}
