import pg from 'pg';

/**
 * Reads of the hub's PostgreSQL database straight from a test (as the superuser, which row-level
 * security does not bind), to check what the public APIs cannot show: that a batch applied whole or
 * not at all, and that the org's versions have no hole.
 */
export class HubDb {
  private constructor(private readonly client: pg.Client) {}

  static async connect(url: string): Promise<HubDb> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new HubDb(client);
  }

  query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.client.query<R>(sql, params);
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const r = await this.client.query<{ n: string }>(sql, params);
    return Number(r.rows[0]?.n ?? 0);
  }

  async orgVersion(orgId: string): Promise<number> {
    return this.count('SELECT coalesce(max(version), 0) AS n FROM org_versions WHERE org_id = $1', [orgId]);
  }

  async nodeId(orgId: string, depotCode: string): Promise<string> {
    const r = await this.client.query<{ id: string }>('SELECT id FROM nodes WHERE org_id = $1 AND depot_code = $2', [orgId, depotCode]);
    if (!r.rows[0]) throw new Error(`no hub node for depot ${depotCode}`);
    return r.rows[0].id;
  }

  /** Work-order ids the hub holds as rows. */
  async workOrderIds(orgId: string): Promise<Set<string>> {
    const r = await this.client.query<{ row_id: string }>("SELECT row_id FROM rows WHERE org_id = $1 AND tbl = 'work_orders'", [orgId]);
    return new Set(r.rows.map((x) => x.row_id));
  }

  /**
   * What must hold after any fault, as a list of broken rules (empty: all hold):
   * - every applied or conflicting mutation has its own version, and they run 1..org version with no hole
   *   (a puller that reads in version order can never skip one);
   * - every row's and fact's version is one of them (nothing written without the mutation that wrote it);
   * - each node's acknowledged seq covers every mutation recorded for it (the ack and the apply commit together).
   */
  async invariants(orgId: string): Promise<string[]> {
    const problems: string[] = [];
    const v = await this.client.query<{ n: string; d: string; lo: string | null; hi: string | null }>(
      'SELECT count(*) AS n, count(DISTINCT version) AS d, min(version) AS lo, max(version) AS hi FROM applied_mutations WHERE org_id = $1 AND version IS NOT NULL',
      [orgId],
    );
    const { n, d, lo, hi } = v.rows[0]!;
    const top = await this.orgVersion(orgId);
    if (n !== d) problems.push(`${n} versioned mutations share ${d} versions`);
    if (Number(n) > 0 && (Number(lo) !== 1 || Number(hi) !== top || Number(n) !== top))
      problems.push(`mutation versions ${lo}..${hi} (${n} of them) do not run 1..${top} without a hole`);
    const orphanRows = await this.count(
      `SELECT count(*) AS n FROM rows r WHERE r.org_id = $1
         AND NOT EXISTS (SELECT 1 FROM applied_mutations m WHERE m.org_id = r.org_id AND m.version = r.version)`,
      [orgId],
    );
    if (orphanRows) problems.push(`${orphanRows} rows carry a version no recorded mutation has`);
    const orphanFacts = await this.count(
      `SELECT count(*) AS n FROM facts f WHERE f.org_id = $1
         AND NOT EXISTS (SELECT 1 FROM applied_mutations m WHERE m.org_id = f.org_id AND m.version = f.version)`,
      [orgId],
    );
    if (orphanFacts) problems.push(`${orphanFacts} facts carry a version no recorded mutation has`);
    const unacked = await this.count(
      `SELECT count(*) AS n FROM applied_mutations m WHERE m.org_id = $1 AND NOT EXISTS (
         SELECT 1 FROM node_streams s WHERE s.org_id = m.org_id AND s.node_id = m.node_id AND s.epoch = m.epoch AND s.acked_seq >= m.seq)`,
      [orgId],
    );
    if (unacked) problems.push(`${unacked} recorded mutations lie beyond their node's acknowledged seq`);
    return problems;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
