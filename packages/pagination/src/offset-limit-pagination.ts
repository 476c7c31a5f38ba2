import type { AxiosResponse } from 'axios';
import { BASE_OPTION_KEYS, BasePagination, type BasePaginationOptions, toCount } from './base-pagination';
import { at, checkBoolean, checkInteger, checkKnownKeys, checkName } from './check-option';
import type { FirstPage, NextRequest, PageContext, PageParams, PagePlan } from './strategy';

/**
 * Options of {@link OffsetLimitPagination}.
 *
 * @example
 * ```ts
 * const options: OffsetLimitPaginationOptions = { limit: 50, startOffset: 500, totalKey: 'total' };
 * ```
 */
export interface OffsetLimitPaginationOptions extends BasePaginationOptions {
  /** Query parameter of the offset. Default `'offset'`. */
  readonly offsetParam?: string;
  /** Query parameter of the page size. Default `'limit'`. */
  readonly limitParam?: string;
  /** Items asked for per page. Default `100`. */
  readonly limit?: number;
  /** Offset of the first page. Default `0`. */
  readonly startOffset?: number;
  /**
   * Whether a page with fewer than `limit` items ends the walk when the total is unknown. Default
   * `true` (saves a request for an empty page). Set `false` when the server may cap the page size
   * below `limit`; the walk then ends on an empty page.
   */
  readonly stopOnShortPage?: boolean;
}

/** Every option key of {@link OffsetLimitPaginationOptions}. */
export const OFFSET_OPTION_KEYS: readonly string[] = [
  ...BASE_OPTION_KEYS,
  'offsetParam',
  'limitParam',
  'limit',
  'startOffset',
  'stopOnShortPage',
];

/**
 * `?offset=0&limit=100`, then `?offset=100&limit=100`, ...: the offset moves by the items each
 * page returned. The walk ends on an empty page, on a short page (see `stopOnShortPage`), or when
 * the offset reaches the total (`totalKey` or `X-Total-Count`). With a known total it can fetch
 * pages concurrently (`concurrency`).
 *
 * @example
 * ```ts
 * const users = paginate(api, '/users', new OffsetLimitPagination({ limit: 50, resultsKey: 'data', totalKey: 'total' }));
 * for await (const user of users) console.log(user);
 * ```
 */
export class OffsetLimitPagination<T = unknown> extends BasePagination<T> {
  readonly name: string = 'offset';
  readonly offsetParam: string;
  readonly limitParam: string;
  readonly limit: number;
  readonly startOffset: number;
  readonly stopOnShortPage: boolean;

  /**
   * @param options - see {@link OffsetLimitPaginationOptions}; invalid values throw a `ConfigurationError`.
   * @param where - how error messages name these options. Default `'OffsetLimitPagination'`.
   */
  constructor(options: OffsetLimitPaginationOptions = {}, where = 'OffsetLimitPagination') {
    super(options, where);
    checkKnownKeys(options, OFFSET_OPTION_KEYS, where);
    this.offsetParam = checkName(options.offsetParam, at(where, 'offsetParam'), 'offset');
    this.limitParam = checkName(options.limitParam, at(where, 'limitParam'), 'limit');
    this.limit = checkInteger(options.limit, at(where, 'limit'), 1) ?? 100;
    this.startOffset = checkInteger(options.startOffset, at(where, 'startOffset'), 0) ?? 0;
    this.stopOnShortPage = checkBoolean(options.stopOnShortPage, at(where, 'stopOnShortPage'), true);
  }

  initialParams(): PageParams {
    return { [this.offsetParam]: this.startOffset, [this.limitParam]: this.limit };
  }

  getNextRequest(_response: AxiosResponse, currentParams: PageParams, context: PageContext): NextRequest {
    if (context.itemCount === 0) return null;
    const offset = toCount(currentParams[this.offsetParam]) ?? this.startOffset;
    const next = offset + context.itemCount;
    if (context.totalCount !== undefined) {
      if (next >= context.totalCount) return null;
    } else if (this.stopOnShortPage && context.itemCount < this.limit) {
      return null;
    }
    return { [this.offsetParam]: next, [this.limitParam]: this.limit };
  }

  planPages(first: FirstPage): PagePlan | null {
    const start = toCount(first.params[this.offsetParam]) ?? this.startOffset;
    const remaining = first.totalCount - start;
    // A first page shorter than `limit` while more remain means the server caps the page size:
    // offsets computed from `limit` would skip items, so the walk stays sequential.
    if (first.itemCount < Math.min(this.limit, remaining)) return null;
    const pageCount = Math.max(1, Math.ceil(remaining / this.limit));
    return {
      pageCount,
      paramsFor: (index) => ({ [this.offsetParam]: start + index * this.limit, [this.limitParam]: this.limit }),
    };
  }
}
