import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOptionKeys, invalidOption } from '@axle/core';
import type { CacheStore } from './cache-store';
import { decodeRecord, encodeRecord } from './record-codec';

/**
 * Options of `diskStore()`.
 *
 * @example
 * ```ts
 * const options: DiskStoreOptions = { maxSizeMb: 200 };
 * ```
 */
export interface DiskStoreOptions {
  /** Megabytes of records kept at most; the oldest written go first. Default `100`. */
  maxSizeMb?: number;
}

interface FileInfo {
  bytes: number;
  expiresAt: number;
}

const KEY = /^[0-9a-f]{64}$/;

/**
 * A store in a directory: one file per record (written to a temporary name, then renamed, so
 * readers never see half a file). It persists across restarts and is shared by processes that
 * use the same directory. The size bound is kept by this process: files other processes write
 * are counted when it next lists the directory.
 *
 * Defaults: `maxSizeMb: 100`.
 *
 * @example
 * ```ts
 * const c = cache({ store: diskStore('/var/cache/my-sdk', { maxSizeMb: 200 }) });
 * ```
 */
export function diskStore(dir: string, options: DiskStoreOptions = {}): CacheStore {
  if (typeof dir !== 'string' || dir === '') throw invalidOption('diskStore(dir)', 'a directory path', dir);
  checkOptionKeys(options, ['maxSizeMb'], 'diskStore');
  const maxSizeMb = options.maxSizeMb ?? 100;
  if (typeof maxSizeMb !== 'number' || !(maxSizeMb > 0) || !Number.isFinite(maxSizeMb)) {
    throw invalidOption('diskStore.maxSizeMb', 'a number of megabytes above 0', maxSizeMb);
  }
  const maxBytes = maxSizeMb * 1024 * 1024;
  // Oldest written first (Map insertion order), loaded from the directory on first use.
  let index: Promise<Map<string, FileInfo>> | undefined;
  let listed: Map<string, FileInfo> | undefined;
  let total = 0;

  const file = (key: string): string => {
    if (!KEY.test(key))
      throw new Error(`diskStore keys are SHA-256 hex digests; got ${JSON.stringify(key.slice(0, 80))}`);
    return join(dir, `${key}.json`);
  };

  const load = (): Promise<Map<string, FileInfo>> => {
    index ??= (async () => {
      await mkdir(dir, { recursive: true });
      const found: { key: string; bytes: number; mtime: number }[] = [];
      for (const name of await readdir(dir)) {
        const key = name.slice(0, -5);
        if (!name.endsWith('.json') || !KEY.test(key)) continue;
        const info = await stat(join(dir, name)).catch(() => undefined);
        if (info) found.push({ key, bytes: info.size, mtime: info.mtimeMs });
      }
      found.sort((a, b) => a.mtime - b.mtime);
      const map = new Map<string, FileInfo>();
      for (const entry of found) {
        map.set(entry.key, { bytes: entry.bytes, expiresAt: Number.POSITIVE_INFINITY });
        total += entry.bytes;
      }
      listed = map;
      return map;
    })();
    return index;
  };

  const forget = (map: Map<string, FileInfo>, key: string): void => {
    const info = map.get(key);
    if (info === undefined) return;
    map.delete(key);
    total -= info.bytes;
  };

  const remove = async (key: string): Promise<void> => {
    const path = file(key);
    forget(await load(), key);
    await rm(path, { force: true });
  };

  return {
    async get(key) {
      const path = file(key);
      await load();
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const newline = text.indexOf('\n');
      const expiresAt = Number(text.slice(0, newline));
      if (!(expiresAt > Date.now())) {
        await remove(key);
        return undefined;
      }
      return decodeRecord(text.slice(newline + 1));
    },
    async set(key, record, ttl) {
      const path = file(key);
      const map = await load();
      const expiresAt = Date.now() + ttl;
      const text = `${expiresAt}\n${encodeRecord(record)}`;
      const bytes = Buffer.byteLength(text);
      if (bytes > maxBytes) return;
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, path);
      forget(map, key);
      map.set(key, { bytes, expiresAt });
      total += bytes;
      for (const oldest of [...map.keys()]) {
        if (total <= maxBytes) break;
        await remove(oldest);
      }
    },
    delete: remove,
    async *keys() {
      await load();
      for (const name of await readdir(dir)) {
        const key = name.slice(0, -5);
        if (name.endsWith('.json') && KEY.test(key)) yield key;
      }
    },
    async clear() {
      const map = await load();
      for (const name of await readdir(dir)) {
        if (name.endsWith('.json') && KEY.test(name.slice(0, -5))) await rm(join(dir, name), { force: true });
      }
      map.clear();
      total = 0;
    },
    // Known once the directory was listed (on first use); files other processes add since are not.
    get size() {
      return listed?.size;
    },
  };
}
