import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster in its own directory, socket dir and port: the tests start one per
 * run (server/testing/pg-global-setup.ts) and `npm run demo:sync` starts one when no database URL is
 * given. Never used for a real hub, which is pointed at a PostgreSQL its operator runs.
 *
 * initdb and pg_ctl refuse to run as root (TOOLCHAIN.md), so as root they run as the `postgres`
 * user that Debian's package creates, and the directory is handed to it.
 */
export interface LocalCluster {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  dir: string;
  stop(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
    if (onPath) return path.dirname(onPath);
    throw new Error("PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install -y postgresql");
  }
  return path.join(root, versions[0]!, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Starts a cluster with trust authentication on 127.0.0.1 and fsync off (a test cluster loses
 * nothing that matters on a crash; the hub's own durability is PostgreSQL's default elsewhere).
 */
export async function startLocalCluster(opts: { dir?: string } = {}): Promise<LocalCluster> {
  const bin = binDir();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-pg-'));
  const data = path.join(dir, 'data');
  fs.mkdirSync(dir, { recursive: true });
  if (isRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    run(path.join(bin, 'initdb'), ['-D', data, '--auth=trust', '--username=postgres', '--no-sync', '--encoding=UTF8', '--locale=C']);
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
