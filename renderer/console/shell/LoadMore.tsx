/** The pages a list has fetched so far; what `LoadMore` needs of a TanStack infinite query. */
interface Paged {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** The "Load more" button under a keyset-paged table; nothing once the last page is in. */
export function LoadMore({ list }: { list: Paged }) {
  if (!list.hasNextPage) return null;
  return (
    <div className="pad">
      <button onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
        Load more
      </button>
    </div>
  );
}
