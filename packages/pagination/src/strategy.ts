import type { AxiosResponse } from 'axios';

/**
 * Query parameters of one page request. `undefined` values are left out of the query, as in axios.
 *
 * @example
 * ```ts
 * const params: PageParams = { page: 2, per_page: 50, filter: undefined };
 * ```
 */
export type PageParams = Readonly<Record<string, unknown>>;

/**
 * What `getNextRequest` returns:
 *
 * - an object: query parameters for the next page, merged over the current page's
 *   (set a key to `undefined` to drop it);
 * - a string: the URL of the next page (relative URLs are resolved against the current page's
 *   URL), requested as given, without the current parameters; it must stay on the first page's
 *   origin unless `allowedOrigins` lists its origin;
 * - `null` or `undefined`: there is no next page.
 *
 * @example
 * ```ts
 * getNextRequest: (response) => response.data.next_url ?? null, // a URL string, or null at the end
 * ```
 */
export type NextRequest = PageParams | string | null | undefined;

/**
 * What the walk knows about the page a strategy is looking at.
 *
 * @example
 * ```ts
 * getNextRequest: (_response, params, context) => (context.itemCount < 50 ? null : { offset: context.itemsFetched }),
 * ```
 */
export interface PageContext {
  /** The absolute URL the page came from (after redirects), with its query. */
  readonly url: string;
  /** 0-based index of the page in this walk. */
  readonly pageIndex: number;
  /** Items on this page. */
  readonly itemCount: number;
  /** Items on every page fetched so far in this walk, this one included. */
  readonly itemsFetched: number;
  /** The total number of items, when the response said (`totalKey` or `X-Total-Count`). */
  readonly totalCount: number | undefined;
}

/**
 * What `planPages` gets: the first page of a walk whose total is known.
 *
 * @example
 * ```ts
 * planPages: (first) => ({ pageCount: Math.ceil(first.totalCount / 50), paramsFor: (i) => ({ page: i + 1 }) }),
 * ```
 */
export interface FirstPage {
  /** The query parameters the first page was requested with. */
  readonly params: PageParams;
  /** Items on the first page. */
  readonly itemCount: number;
  /** The total number of items. */
  readonly totalCount: number;
}

/**
 * Every page of a walk, known in advance: how many, and the parameters of each.
 *
 * @example
 * ```ts
 * const plan: PagePlan = { pageCount: 4, paramsFor: (index) => ({ offset: index * 100 }) };
 * ```
 */
export interface PagePlan {
  /** Pages in the walk, the first one included. */
  readonly pageCount: number;
  /** Query parameters of page `index` (1 ≤ index < pageCount), merged over the first page's. */
  paramsFor(index: number): PageParams;
}

/**
 * How to walk an API's pages. The built-in strategies implement it, and so can yours: only
 * `getNextRequest` and `extractItems` are required. Strategies should keep no state between
 * calls (read what you need from `currentParams` and the response), so one instance can serve
 * several walks at once.
 *
 * @typeParam T - the items `extractItems` returns.
 * @example
 * ```ts
 * const afterId: PaginationStrategy<{ id: number }> = {
 *   getNextRequest: (response) =>
 *     response.data.has_more ? { after_id: response.data.items.at(-1).id } : null,
 *   extractItems: (response) => response.data.items,
 * };
 * for await (const item of paginate(api, '/items', afterId)) console.log(item.id);
 * ```
 */
export interface PaginationStrategy<T = unknown> {
  /** A short name for messages (`'offset'`, `'cursor'`, ...). Default: `'custom'`. */
  readonly name?: string;
  /** Query parameters of the first page, merged over the caller's `params`. Default: none. */
  initialParams?(): PageParams;
  /**
   * The next page, from the current page's response and the parameters it was requested with;
   * see {@link NextRequest}. Called once per page, as soon as the page arrives.
   */
  getNextRequest(response: AxiosResponse, currentParams: PageParams, context: PageContext): NextRequest;
  /** The page's items. Throw (e.g. a `MissingResultsError`) when the body has none. */
  extractItems(response: AxiosResponse): readonly T[];
  /** The total number of items, when the body says. Default: the `X-Total-Count` header only. */
  extractTotal?(response: AxiosResponse): number | undefined;
  /**
   * Optional, for `concurrency`: when the total is known after the first page, every page's
   * parameters; `null` when they cannot be known in advance. Without it, pages are requested one
   * after another.
   */
  planPages?(first: FirstPage): PagePlan | null;
}
