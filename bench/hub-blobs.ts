import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startLocalCluster, type LocalCluster } from '../server/hub/local-cluster.js';
import { SYNC_SCHEMA_EPOCH } from '../server/sync/contract-protocol.js';
import { BLOB_PART_BYTES, readPart } from '../server/sync/blobs.js';
import { HubClient } from '../server/sync/hub-client.js';
import { HubProcess, killAll } from '../server/sync/testing/processes.js';
import { withDatabase } from '../server/testing/pg.js';
import { markdownTable, type Row } from './stats.js';

/**
 * Issue 16's "attachment upload resumed after a cut": a hub process on a throwaway cluster and a
 * depot's hub client (the one the sync loop uses) sending a `mb` MiB file in 1 MiB parts; the link is
 * cut (the client aborted) after half the parts, then the upload asks the hub what it has and resumes
 * from there. Prints the bytes sent again after the cut (goal: under one part), the time of each half,
 * and a plain reference from the same run: the same bytes written in 1 MiB rows by plain pg INSERTs.
 */
export async function benchHubBlobs(opts: { mb?: number; log?: (m: string) => void } = {}): Promise<Row[]> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const size = (opts.mb ?? 20) * 1024 * 1024;
  let cluster: LocalCluster | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-blob-bench-'));
  try {
    cluster = await startLocalCluster();
    const su = new pg.Client({ connectionString: cluster.url });
    await su.connect();
    await su.query('CREATE DATABASE blob_bench');
    const hub = await HubProcess.start(withDatabase(cluster.url, 'blob_bench'));
    const org = await hub.createOrg('Blob bench');
    const code = await hub.enrolmentCode(org);
    const enrol = await hub.api<{ credential: string }>('POST', '/hub/v1/enrol', {
      code,
      node: randomUUID(),
      orgId: randomUUID(),
      depotCode: 'B',
      depotName: 'Bench',
      schema: SYNC_SCHEMA_EPOCH,
      version: 'bench',
    });
    if (enrol.status !== 200) throw new Error(`enrol: ${enrol.status} ${JSON.stringify(enrol.body)}`);
    const file = path.join(dir, 'photo.bin');
    fs.writeFileSync(file, randomBytes(size));
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    let sent = 0;
    const sendFrom = async (client: HubClient, from: number, stopAt: number): Promise<number> => {
      let offset = from;
      while (offset < stopAt) {
        const part = readPart(file, offset, Math.min(BLOB_PART_BYTES, size - offset));
        const put = await client.putBlobPart(sha, size, offset, part);
        sent += part.length;
        offset = put.body.complete ? size : put.body.received;
      }
      return offset;
    };
    log(`uploading ${opts.mb ?? 20} MiB in 1 MiB parts; the link is cut half way …`);
    const cut = new AbortController();
    const first = new HubClient(hub.url, enrol.body.credential, { signal: cut.signal });
    let t = performance.now();
    await sendFrom(first, 0, size / 2);
    cut.abort(new Error('link cut'));
    await first.putBlobPart(sha, size, size / 2, readPart(file, size / 2, BLOB_PART_BYTES)).catch(() => undefined);
    const firstHalfS = (performance.now() - t) / 1000;
    const beforeResume = sent;
    t = performance.now();
    const client = new HubClient(hub.url, enrol.body.credential);
    const status = await client.blobStatus(sha);
    await sendFrom(client, status!.received, size);
    const resumeS = (performance.now() - t) / 1000;
    const done = await client.blobStatus(sha);
    const resent = beforeResume + (size - status!.received) - size;
    // Reference: the same bytes as 1 MiB rows by plain INSERTs, one transaction.
    await su.query('CREATE TABLE bench_parts (n int PRIMARY KEY, data bytea NOT NULL)');
    t = performance.now();
    await su.query('BEGIN');
    for (let o = 0, n = 0; o < size; o += BLOB_PART_BYTES, n++) {
      await su.query('INSERT INTO bench_parts VALUES ($1, $2)', [n, readPart(file, o, BLOB_PART_BYTES)]);
    }
    await su.query('COMMIT');
    const rawS = (performance.now() - t) / 1000;
    await su.end();
    const mbps = (bytes: number, s: number) => `${(bytes / 1024 / 1024 / s).toFixed(1)} MiB/s`;
    return [
      {
        metric: `attachment upload cut half way and resumed (${opts.mb ?? 20} MiB, 1 MiB parts): complete and verified at the hub`,
        value: done?.complete ? 'yes' : 'NO',
        target: 'yes',
        pass: done?.complete === true,
      },
      {
        metric: '  bytes sent again after the cut',
        value: `${Math.max(0, resent).toLocaleString('en')} B`,
        target: `< ${BLOB_PART_BYTES.toLocaleString('en')} B (one part)`,
        pass: resent < BLOB_PART_BYTES,
      },
      {
        metric: '  upload rate before the cut · after resuming · plain pg INSERTs of the same parts · ratio',
        value: `${mbps(size / 2, firstHalfS)} · ${mbps(size - status!.received, resumeS)} · ${mbps(size, rawS)} · ${(size / 2 / firstHalfS / (size / rawS)).toFixed(2)}×`,
        target: '',
        pass: null,
      },
    ];
  } finally {
    await killAll();
    cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (!process.env.DEPOTDESK_BUNDLE_ENTRY && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(markdownTable(await benchHubBlobs({ mb: Number(process.argv[2] ?? 20) })));
}
