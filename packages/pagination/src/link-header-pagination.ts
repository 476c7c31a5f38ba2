import type { AxiosResponse } from 'axios';
import { BASE_OPTION_KEYS, BasePagination, type BasePaginationOptions, readHeader } from './base-pagination';
import { at, checkInteger, checkKnownKeys, checkName } from './check-option';
import { findLink, parseLinkHeader } from './link-header';
import type { NextRequest, PageContext, PageParams } from './strategy';

/**
 * Options of {@link LinkHeaderPagination}.
 *
 * @example
 * ```ts
 * const options: LinkHeaderPaginationOptions = { perPage: 100, resultsKey: 'data' };
 * ```
 */
export interface LinkHeaderPaginationOptions extends BasePaginationOptions {
  /** The relation type of the next page. Default `'next'`. */
  readonly rel?: string;
  /** Items asked for per page, sent in `perPageParam` on the first request only (the links carry it on). Default: not sent. */
  readonly perPage?: number;
  /** Query parameter of the page size. Default `'per_page'`. */
  readonly perPageParam?: string;
}

/** Every option key of {@link LinkHeaderPaginationOptions}. */
export const LINK_OPTION_KEYS: readonly string[] = [...BASE_OPTION_KEYS, 'rel', 'perPage', 'perPageParam'];

/**
 * Follows the `Link` header's `rel="next"` (RFC 8288), as GitHub-style APIs send it. Relative
 * links are resolved against the page's URL; a link to another origin is refused with a
 * `CrossOriginLinkError` unless `allowedOrigins` lists it. The walk ends when a page has no next
 * link. `paginate`'s default (`'auto'`) switches to this strategy when the first page has one.
 *
 * @example
 * ```ts
 * for await (const repo of paginate(api, '/orgs/acme/repos', new LinkHeaderPagination({ perPage: 100 }))) {
 *   console.log(repo);
 * }
 * ```
 */
export class LinkHeaderPagination<T = unknown> extends BasePagination<T> {
  readonly name: string = 'link';
  readonly rel: string;
  readonly perPage: number | undefined;
  readonly perPageParam: string;

  /**
   * @param options - see {@link LinkHeaderPaginationOptions}; invalid values throw a `ConfigurationError`.
   * @param where - how error messages name these options. Default `'LinkHeaderPagination'`.
   */
  constructor(options: LinkHeaderPaginationOptions = {}, where = 'LinkHeaderPagination') {
    super(options, where);
    checkKnownKeys(options, LINK_OPTION_KEYS, where);
    this.rel = checkName(options.rel, at(where, 'rel'), 'next');
    this.perPage = checkInteger(options.perPage, at(where, 'perPage'), 1);
    this.perPageParam = checkName(options.perPageParam, at(where, 'perPageParam'), 'per_page');
  }

  initialParams(): PageParams {
    return this.perPage === undefined ? {} : { [this.perPageParam]: this.perPage };
  }

  getNextRequest(response: AxiosResponse, _currentParams: PageParams, context: PageContext): NextRequest {
    return nextLink(response, context.url, this.rel);
  }
}

/** The resolved URL of the link with relation `rel` in the response's `Link` header, or `null`. */
export function nextLink(response: AxiosResponse, baseUrl: string, rel = 'next'): string | null {
  const header = readHeader(response, 'link');
  if (header === undefined) return null;
  return findLink(parseLinkHeader(header, baseUrl), rel)?.url ?? null;
}
