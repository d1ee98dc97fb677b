/**
 * A value built once per connection (a better-sqlite3 handle or a drizzle db) and kept while the
 * connection lives: prepared statements on the write path, prepared drizzle queries, small caches.
 * Statements belong to the connection that compiled them, and a process holds several (the host's,
 * a test's second host, a worker's), so nothing may be kept per module alone.
 */
export function perConnection<K extends object, T>(build: (connection: K) => T): (connection: K) => T {
  const byConnection = new WeakMap<K, T>();
  return (connection) => {
    let value = byConnection.get(connection);
    if (value === undefined) byConnection.set(connection, (value = build(connection)));
    return value;
  };
}
