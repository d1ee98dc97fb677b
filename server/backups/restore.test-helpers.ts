import fs from 'node:fs';

/** Test helpers for the backup tests. Not imported by production code. */

/** Overwrites the pages after the first with garbage (the header stays, so SQLite opens it and then finds the damage). */
export function corrupt(file: string): void {
  const fd = fs.openSync(file, 'r+');
  const size = fs.fstatSync(fd).size;
  const junk = Buffer.alloc(Math.max(0, size - 4096), 0x5a);
  fs.writeSync(fd, junk, 0, junk.length, 4096);
  fs.closeSync(fd);
}
