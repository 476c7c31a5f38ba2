import { ConfigurationError } from '@axle/core';
import type { AxiosResponse } from 'axios';
import { BASE_OPTION_KEYS, BasePagination, type BasePaginationOptions, toCount } from './base-pagination';
import { at, checkBoolean, checkInteger, checkKnownKeys, checkName } from './check-option';
import type { FirstPage, NextRequest, PageContext, PageParams, PagePlan } from './strategy';

/**
 * Options of {@link PageNumberPagination}.
 *
 * @example
 * ```ts
 * const options: PageNumberPaginationOptions = { perPage: 25, firstPage: 0, startPage: 4 };
 * ```
 */
export interface PageNumberPaginationOptions extends BasePaginationOptions {
  /** Query parameter of the page number. Default `'page'`. */
  readonly pageParam?: string;
  /** Query parameter of the page size. Default `'per_page'`. */
  readonly perPageParam?: string;
  /** Items asked for per page. Default `100`. */
  readonly perPage?: number;
  /** The number of the API's first page: `1`, or `0` for APIs that count from zero. Default `1`. */
  readonly firstPage?: number;
  /** The page the walk starts at. Default: `firstPage`. */
  readonly startPage?: number;
  /**
   * Whether a page with fewer than `perPage` items ends the walk when the total is unknown.
   * Default `true`; set `false` when the server may cap the page size (the walk then ends on an
   * empty page).
   */
  readonly stopOnShortPage?: boolean;
}

/** Every option key of {@link PageNumberPaginationOptions}. */
export const PAGE_OPTION_KEYS: readonly string[] = [
  ...BASE_OPTION_KEYS,
  'pageParam',
  'perPageParam',
  'perPage',
  'firstPage',
  'startPage',
  'stopOnShortPage',
];

/**
 * `?page=1&per_page=100`, then `?page=2&per_page=100`, ... The walk ends on an empty page, on a
 * short page (see `stopOnShortPage`), or once the items reach the total (`totalKey` or
 * `X-Total-Count`). With a known total it can fetch pages concurrently (`concurrency`).
 *
 * @example
 * ```ts
 * const pages = paginate(api, '/repos', new PageNumberPagination({ perPage: 50, startPage: 3 }));
 * for await (const page of pages.pages()) console.log(page.index, page.items.length);
 * ```
 */
export class PageNumberPagination<T = unknown> extends BasePagination<T> {
  readonly name: string = 'page';
  readonly pageParam: string;
  readonly perPageParam: string;
  readonly perPage: number;
  readonly firstPage: number;
  readonly startPage: number;
  readonly stopOnShortPage: boolean;

  /**
   * @param options - see {@link PageNumberPaginationOptions}; invalid values throw a `ConfigurationError`.
   * @param where - how error messages name these options. Default `'PageNumberPagination'`.
   */
  constructor(options: PageNumberPaginationOptions = {}, where = 'PageNumberPagination') {
    super(options, where);
    checkKnownKeys(options, PAGE_OPTION_KEYS, where);
    this.pageParam = checkName(options.pageParam, at(where, 'pageParam'), 'page');
    this.perPageParam = checkName(options.perPageParam, at(where, 'perPageParam'), 'per_page');
    this.perPage = checkInteger(options.perPage, at(where, 'perPage'), 1) ?? 100;
    this.firstPage = checkInteger(options.firstPage, at(where, 'firstPage'), 0) ?? 1;
    if (this.firstPage > 1) {
      throw new ConfigurationError(`${at(where, 'firstPage')} must be 0 or 1; got ${this.firstPage}`, {
        option: at(where, 'firstPage'),
      });
    }
    this.startPage = checkInteger(options.startPage, at(where, 'startPage'), this.firstPage) ?? this.firstPage;
    this.stopOnShortPage = checkBoolean(options.stopOnShortPage, at(where, 'stopOnShortPage'), true);
  }

  initialParams(): PageParams {
    return { [this.pageParam]: this.startPage, [this.perPageParam]: this.perPage };
  }

  getNextRequest(_response: AxiosResponse, currentParams: PageParams, context: PageContext): NextRequest {
    if (context.itemCount === 0) return null;
    const page = toCount(currentParams[this.pageParam]) ?? this.startPage;
    if (context.totalCount !== undefined) {
      // Items before the start page are assumed to be full pages; after it, the real counts.
      const seen = (this.startPage - this.firstPage) * this.perPage + context.itemsFetched;
      if (seen >= context.totalCount) return null;
    } else if (this.stopOnShortPage && context.itemCount < this.perPage) {
      return null;
    }
    return { [this.pageParam]: page + 1, [this.perPageParam]: this.perPage };
  }

  planPages(first: FirstPage): PagePlan | null {
    const start = toCount(first.params[this.pageParam]) ?? this.startPage;
    const remaining = first.totalCount - (start - this.firstPage) * this.perPage;
    if (first.itemCount < Math.min(this.perPage, remaining)) return null;
    return {
      pageCount: Math.max(1, Math.ceil(remaining / this.perPage)),
      paramsFor: (index) => ({ [this.pageParam]: start + index, [this.perPageParam]: this.perPage }),
    };
  }
}
