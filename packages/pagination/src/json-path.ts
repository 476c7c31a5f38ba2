import { ConfigurationError } from '@axle/core';

/** One step of a parsed path: an object key, or an array index (negative counts from the end). */
export type PathSegment = string | number;

/**
 * A dotted JSON path, parsed once: `'meta.next_cursor'`, `'data.items'`, `'results[0].rows'`,
 * `'items[-1].id'` (the last element), `'["odd.key"].value'` (a key that contains a dot).
 */
export interface JsonPath {
  /** The path as the caller wrote it, for error messages. */
  readonly source: string;
  readonly segments: readonly PathSegment[];
}

const INDEX = /^-?\d+$/;

/**
 * Parses a dotted path. A bare numeric segment (`items.0.id`) and a bracketed one
 * (`items[0].id`) both index arrays; on an object they are read as keys, so both spellings
 * work whatever the body holds. Invalid syntax throws a `ConfigurationError` naming `option`.
 *
 * @param source - the path, e.g. `'meta.next_cursor'`.
 * @param option - the option it came from, for the error.
 */
export function parseJsonPath(source: string, option: string): JsonPath {
  const fail = (why: string): never => {
    throw new ConfigurationError(`${option} must be a dotted JSON path such as "meta.next_cursor"; ${why}`, {
      option,
    });
  };
  if (typeof source !== 'string') fail(`got ${typeof source}`);
  if (source.trim() === '') fail('got an empty string');
  const segments: PathSegment[] = [];
  let i = 0;
  // Each turn reads one segment: `name`, `[3]` or `["name"]`, with a dot between named segments.
  while (i < source.length) {
    const ch = source[i];
    if (ch === '[') {
      const close = source.indexOf(']', i);
      if (close < 0) fail(`"${source}" has an unclosed "["`);
      const inner = source.slice(i + 1, close).trim();
      const quoted = /^(["'])(.*)\1$/.exec(inner);
      if (quoted) segments.push(quoted[2] ?? '');
      else if (INDEX.test(inner)) segments.push(Number(inner));
      else fail(`"[${inner}]" in "${source}" is neither an index nor a quoted key`);
      i = close + 1;
      if (source[i] === '.') {
        i += 1;
        if (i >= source.length) fail(`"${source}" ends with "."`);
      }
      continue;
    }
    let end = i;
    while (end < source.length && source[end] !== '.' && source[end] !== '[') end += 1;
    const name = source.slice(i, end);
    if (name === '') fail(`"${source}" has an empty segment`);
    segments.push(INDEX.test(name) && !name.startsWith('-') ? Number(name) : name);
    i = end;
    if (source[i] === '.') {
      i += 1;
      if (i >= source.length) fail(`"${source}" ends with "."`);
    }
  }
  return Object.freeze({ source, segments: Object.freeze(segments) });
}

/** The result of reading a path: whether every segment existed, and the value found. */
export type PathLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

/**
 * Reads `path` from `value`. `found` is false when a segment is missing (an absent key, an index
 * out of range, or a step into something that is not an object); a key present with value
 * `undefined` counts as missing.
 */
export function readJsonPath(value: unknown, path: JsonPath): PathLookup {
  let current: unknown = value;
  for (const segment of path.segments) {
    if (current === null || typeof current !== 'object') return { found: false };
    if (Array.isArray(current) && typeof segment === 'number') {
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
      continue;
    }
    const key = String(segment);
    if (!Object.hasOwn(current, key)) return { found: false };
    current = (current as Record<string, unknown>)[key];
  }
  return current === undefined ? { found: false } : { found: true, value: current };
}
