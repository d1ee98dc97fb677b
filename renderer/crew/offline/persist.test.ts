import { describe, expect, it } from 'vitest';
import { persistable } from './persistable';

const query = (queryKey: unknown[], status: string, data: unknown) => ({ queryKey, state: { status, data } });

describe("the crew's saved copy of its queries", () => {
  it('when a refetch failed offline, then the data the query still holds is saved all the same', () => {
    expect(persistable(query(['work_orders', 'checklist', 'w1'], 'error', { items: [{ id: 'c1' }] }))).toBe(true);
    expect(persistable(query(['attendance', 'w1'], 'success', { items: [] }))).toBe(true);
  });

  it('when a query never had data, or holds a file or an object URL, then it is not saved', () => {
    expect(persistable(query(['work_orders', 'w2'], 'pending', undefined))).toBe(false);
    expect(persistable(query(['work_orders', 'w2'], 'error', undefined))).toBe(false);
    expect(persistable(query(['attachments', 'file', 'a1'], 'success', 'x'))).toBe(false);
    expect(persistable(query(['attachments', 'thumb', 'a1'], 'success', 'blob:http://x/1'))).toBe(false);
  });
});
