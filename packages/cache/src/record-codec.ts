import CachePolicy from 'http-cache-semantics';
import type { CachedVariant, CacheRecord } from './cache-store';

interface VariantJSON {
  s: number;
  st: string;
  h: Record<string, string>;
  /** Body: text, base64 bytes, or none. */
  b: { t: string } | { x: string } | null;
  p: CachePolicy.CachePolicyObject;
  v: Record<string, string>;
}

interface RecordJSON {
  m: string;
  u: string;
  vs: VariantJSON[];
}

/**
 * A record as text, for stores that keep bytes (disk, Redis, any Keyv store).
 *
 * @example
 * ```ts
 * const copy = decodeRecord(encodeRecord(record));
 * ```
 */
export function encodeRecord(record: CacheRecord): string {
  const json: RecordJSON = {
    m: record.method,
    u: record.url,
    vs: record.variants.map((variant) => ({
      s: variant.status,
      st: variant.statusText,
      h: variant.headers,
      b:
        variant.body === undefined
          ? null
          : typeof variant.body === 'string'
            ? { t: variant.body }
            : {
                x: Buffer.from(variant.body.buffer, variant.body.byteOffset, variant.body.byteLength).toString(
                  'base64',
                ),
              },
      p: variant.policy.toObject(),
      v: variant.vary,
    })),
  };
  return JSON.stringify(json);
}

/**
 * The record `encodeRecord` made; throws on text that is not one (the cache treats that as a miss).
 *
 * @example
 * ```ts
 * const record = decodeRecord(await fs.readFile(file, 'utf8'));
 * ```
 */
export function decodeRecord(text: string): CacheRecord {
  const json = JSON.parse(text) as RecordJSON;
  if (typeof json?.u !== 'string' || !Array.isArray(json.vs)) throw new Error('not a cache record');
  return {
    method: json.m,
    url: json.u,
    variants: json.vs.map(
      (v): CachedVariant => ({
        status: v.s,
        statusText: v.st,
        headers: v.h,
        body: v.b === null ? undefined : 't' in v.b ? v.b.t : Buffer.from(v.b.x, 'base64'),
        policy: CachePolicy.fromObject(v.p),
        vary: v.v,
      }),
    ),
  };
}
