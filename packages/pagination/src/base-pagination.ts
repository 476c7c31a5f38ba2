import type { AxiosResponse } from 'axios';
import { at, checkObject } from './check-option';
import { type JsonPath, parseJsonPath, readJsonPath } from './json-path';
import { MissingResultsError } from './missing-results-error';
import type { NextRequest, PageContext, PageParams, PaginationStrategy } from './strategy';

/**
 * Options every built-in strategy takes.
 *
 * @example
 * ```ts
 * new OffsetLimitPagination({ resultsKey: 'data.items', totalKey: 'meta.total' });
 * ```
 */
export interface BasePaginationOptions {
  /**
   * Dotted JSON path to the array of items in the body (`'data'`, `'data.items'`,
   * `'results[0].rows'`). Default: the body itself when it is an array, else the first of
   * `data`, `items`, `results` that holds an array.
   */
  readonly resultsKey?: string;
  /**
   * Dotted JSON path to the total number of items in the body (`'total'`, `'meta.total_count'`).
   * Default: none; the `X-Total-Count` header is read either way, and the body's value wins.
   */
  readonly totalKey?: string;
}

/** The keys of {@link BasePaginationOptions}, for unknown-key checks. */
export const BASE_OPTION_KEYS: readonly string[] = ['resultsKey', 'totalKey'];

const AUTO_RESULTS: readonly JsonPath[] = ['data', 'items', 'results'].map((key) => parseJsonPath(key, 'resultsKey'));

/** Where the items and the total are, shared by the built-in strategies. */
export abstract class BasePagination<T = unknown> implements PaginationStrategy<T> {
  abstract readonly name: string;
  /** The parsed `resultsKey`, or `undefined` for detection. */
  protected readonly resultsPath: JsonPath | undefined;
  /** The parsed `totalKey`, or `undefined`. */
  protected readonly totalPath: JsonPath | undefined;

  protected constructor(options: BasePaginationOptions | undefined, where: string) {
    checkObject(options, where === '' ? 'options' : where);
    this.resultsPath =
      options?.resultsKey === undefined ? undefined : parseJsonPath(options.resultsKey, at(where, 'resultsKey'));
    this.totalPath =
      options?.totalKey === undefined ? undefined : parseJsonPath(options.totalKey, at(where, 'totalKey'));
  }

  abstract getNextRequest(response: AxiosResponse, currentParams: PageParams, context: PageContext): NextRequest;

  extractItems(response: AxiosResponse): readonly T[] {
    return extractResults<T>(response, this.resultsPath);
  }

  extractTotal(response: AxiosResponse): number | undefined {
    if (this.totalPath === undefined) return undefined;
    const found = readJsonPath(response.data, this.totalPath);
    return found.found ? toCount(found.value) : undefined;
  }
}

/**
 * The array of items in a response body, at `path`, or detected (see `resultsKey`). Throws a
 * `MissingResultsError` naming the path and the page's URL when there is none.
 */
export function extractResults<T>(response: AxiosResponse, path: JsonPath | undefined): readonly T[] {
  const body: unknown = response.data;
  if (path === undefined) {
    if (Array.isArray(body)) return body as T[];
    for (const candidate of AUTO_RESULTS) {
      const found = readJsonPath(body, candidate);
      if (found.found && Array.isArray(found.value)) return found.value as T[];
    }
    throw missing(
      response,
      'data, items, results',
      [],
      `The page's body is not an array and none of data, items, results holds one (set resultsKey)`,
    );
  }
  const found = readJsonPath(body, path);
  if (!found.found) {
    throw missing(response, path.source, path.segments, `Results key "${path.source}" is missing from the page's body`);
  }
  if (!Array.isArray(found.value)) {
    const kind = found.value === null ? 'null' : typeof found.value;
    throw missing(response, path.source, path.segments, `Results key "${path.source}" holds ${kind}, not an array`);
  }
  return found.value as T[];
}

function missing(
  response: AxiosResponse,
  path: string,
  segments: readonly (string | number)[],
  message: string,
): MissingResultsError {
  return new MissingResultsError(message, {
    path,
    config: response.config,
    response,
    issues: [{ path: segments, code: 'missing_results', message, expected: 'array' }],
  });
}

/** A count from a body or header value: a non-negative integer, or a string of one. */
export function toCount(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** The `X-Total-Count` header as a count, when present and valid. */
export function headerTotal(response: AxiosResponse): number | undefined {
  const raw = readHeader(response, 'x-total-count');
  return toCount(Array.isArray(raw) ? raw[0] : raw);
}

/** A response header by lower-case name, from `AxiosHeaders` or a plain object. */
export function readHeader(response: AxiosResponse, name: string): string | string[] | undefined {
  const headers = response.headers as { get?: (name: string) => unknown } & Record<string, unknown>;
  const raw = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) return raw.map(String);
  return raw === undefined || raw === null ? undefined : String(raw);
}
