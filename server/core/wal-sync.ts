import fs from 'node:fs';
import type { WalSyncer } from './group-commit.js';

/**
 * fdatasync of a database's WAL file through a descriptor of our own. On Linux and macOS an fsync
 * flushes the file's dirty pages whichever descriptor wrote them; Windows' FlushFileBuffers needs a
 * handle opened for writing, hence 'r+' (nothing is ever written through it). The WAL keeps its
 * inode for the life of the connection (SQLite resets and truncates it in place; it deletes it only
 * when the last connection closes), so the descriptor stays valid until `close()`.
 */
export function walSyncer(dbFile: string): WalSyncer & { close(): void } {
  const walFile = `${dbFile}-wal`;
  let fd: number | null = null;
  let inFlight = 0;
  let closing = false;
  // Opened on first use: the WAL exists once the connection is in WAL mode and has written.
  const open = (): number => (fd ??= fs.openSync(walFile, 'r+'));
  const release = () => {
    // Never close under a sync still running on the thread pool: the number could be reused meanwhile.
    if (closing && inFlight === 0 && fd !== null) {
      fs.closeSync(fd);
      fd = null;
    }
  };
  return {
    sync() {
      return new Promise<void>((resolve, reject) => {
        let handle: number;
        try {
          handle = open();
        } catch (err) {
          reject(err);
          return;
        }
        inFlight++;
        fs.fdatasync(handle, (err) => {
          inFlight--;
          release();
          if (err) reject(err);
          else resolve();
        });
      });
    },
    syncNow() {
      fs.fdatasyncSync(open());
    },
    close() {
      closing = true;
      release();
    },
  };
}
