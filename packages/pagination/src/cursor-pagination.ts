import { ConfigurationError, ValidationError } from '@axle/core';
import type { AxiosResponse } from 'axios';
import { BASE_OPTION_KEYS, BasePagination, type BasePaginationOptions } from './base-pagination';
import { at, checkInteger, checkKnownKeys, checkName } from './check-option';
import { type JsonPath, parseJsonPath, readJsonPath } from './json-path';
import type { NextRequest, PageParams } from './strategy';

/**
 * Options of {@link CursorPagination}.
 *
 * @example
 * ```ts
 * const options: CursorPaginationOptions = { cursorParam: 'after', cursorPath: 'paging.next', perPage: 50 };
 * ```
 */
export interface CursorPaginationOptions extends BasePaginationOptions {
  /** Query parameter the cursor is sent in. Default `'cursor'`. */
  readonly cursorParam?: string;
  /**
   * Dotted JSON path to the next cursor in the body (`'meta.next_cursor'`, `'items[-1].id'`).
   * Default `'next_cursor'`. The walk ends when it is missing, `null`, `false` or `''`.
   */
  readonly cursorPath?: string;
  /** Items asked for per page, sent in `perPageParam`. Default: not sent (the server's default). */
  readonly perPage?: number;
  /** Query parameter of the page size. Default `'limit'`. */
  readonly perPageParam?: string;
  /** A cursor to start from (to resume a walk). Default: none (the first page has no cursor). */
  readonly startCursor?: string;
}

/** Every option key of {@link CursorPaginationOptions}. */
export const CURSOR_OPTION_KEYS: readonly string[] = [
  ...BASE_OPTION_KEYS,
  'cursorParam',
  'cursorPath',
  'perPage',
  'perPageParam',
  'startCursor',
];

/**
 * Opaque cursors: each page's body names the next one (`cursorPath`), sent back as `cursorParam`.
 * The walk ends when the body has no next cursor. A cursor seen twice stops the walk with a
 * `PaginationLoopError`.
 *
 * @example
 * ```ts
 * const pages = paginate(api, '/items', new CursorPagination({ cursorParam: 'cursor', cursorPath: 'meta.next_cursor', resultsKey: 'items' }));
 * for await (const page of pages.pages()) console.log(page.items.length);
 * ```
 */
export class CursorPagination<T = unknown> extends BasePagination<T> {
  readonly name: string = 'cursor';
  readonly cursorParam: string;
  readonly cursorPath: JsonPath;
  readonly perPage: number | undefined;
  readonly perPageParam: string;
  readonly startCursor: string | undefined;

  /**
   * @param options - see {@link CursorPaginationOptions}; invalid values throw a `ConfigurationError`.
   * @param where - how error messages name these options. Default `'CursorPagination'`.
   */
  constructor(options: CursorPaginationOptions = {}, where = 'CursorPagination') {
    super(options, where);
    checkKnownKeys(options, CURSOR_OPTION_KEYS, where);
    this.cursorParam = checkName(options.cursorParam, at(where, 'cursorParam'), 'cursor');
    this.cursorPath = parseJsonPath(options.cursorPath ?? 'next_cursor', at(where, 'cursorPath'));
    this.perPage = checkInteger(options.perPage, at(where, 'perPage'), 1);
    this.perPageParam = checkName(options.perPageParam, at(where, 'perPageParam'), 'limit');
    if (options.startCursor !== undefined && (typeof options.startCursor !== 'string' || options.startCursor === '')) {
      throw new ConfigurationError(`${at(where, 'startCursor')} must be a non-empty string`, {
        option: at(where, 'startCursor'),
      });
    }
    this.startCursor = options.startCursor;
  }

  initialParams(): PageParams {
    const params: Record<string, unknown> = {};
    if (this.perPage !== undefined) params[this.perPageParam] = this.perPage;
    if (this.startCursor !== undefined) params[this.cursorParam] = this.startCursor;
    return params;
  }

  getNextRequest(response: AxiosResponse): NextRequest {
    const found = readJsonPath(response.data, this.cursorPath);
    if (!found.found) return null;
    const cursor = found.value;
    if (cursor === null || cursor === false || cursor === '') return null;
    if (typeof cursor !== 'string' && typeof cursor !== 'number') {
      const message = `Cursor at "${this.cursorPath.source}" must be a string or a number; got ${Array.isArray(cursor) ? 'an array' : typeof cursor}`;
      throw new ValidationError(message, {
        config: response.config,
        response,
        issues: [{ path: this.cursorPath.segments, code: 'invalid_cursor', message, expected: 'string' }],
      });
    }
    return { [this.cursorParam]: cursor };
  }
}
