/** The default BlobStore: files in a local directory. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, opendir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, type BlobRange, type BlobStore } from './blob-store.ts';

export class LocalBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  #path(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, source: Readable): Promise<void> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    try {
      // `wx`: a key is written once. `flush`: fsync before close, so a blob whose row
      // commits afterwards survives a power cut.
      await pipeline(source, createWriteStream(file, { flags: 'wx', flush: true }));
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    // The directory entry too, or a crash could forget the file after its row committed.
    const dir = await open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  read(key: string, range?: BlobRange): Readable {
    return createReadStream(this.#path(key), range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string) {
    try {
      const s = await stat(this.#path(key));
      return { size: s.size, modified: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.#path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  async *listOlderThan(before: Date): AsyncIterable<string> {
    for await (const rel of walk(this.root, 3)) {
      const key = rel.split(path.sep).join('/');
      try {
        assertBlobKey(key);
      } catch {
        continue; // not ours: leave it alone
      }
      const s = await stat(path.join(this.root, rel)).catch(() => null);
      if (s && s.mtime < before) yield key;
    }
  }
}

/** Files exactly `depth` levels below `dir`, as relative paths. */
async function* walk(dir: string, depth: number, prefix = ''): AsyncIterable<string> {
  let handle;
  try {
    handle = await opendir(path.join(dir, prefix));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for await (const entry of handle) {
    const rel = prefix ? path.join(prefix, entry.name) : entry.name;
    if (depth > 1 && entry.isDirectory()) yield* walk(dir, depth - 1, rel);
    else if (depth === 1 && entry.isFile()) yield rel;
  }
}
