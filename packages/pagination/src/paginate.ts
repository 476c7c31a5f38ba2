import { ConfigurationError } from '@axle/core';
import type { AxiosInstance } from 'axios';
import type { ItemSchema } from './item-schema';
import { type PaginateOptions, type PaginateSchemaOptions, resolvePaginateOptions } from './options';
import { Paginator } from './paginator';
import type { PaginationStrategy } from './strategy';

/**
 * Walks a paginated endpoint: returns a {@link Paginator}, an async iterable of the items (and of
 * whole pages with `pages()`). Each page is an ordinary request on `client`, so retry, cache,
 * circuit breaker, rate limiter, hooks and middleware apply to every page.
 *
 * The strategy is `'auto'` unless given: offset/limit (`?offset=0&limit=100`), switching to the
 * `Link` header when the first page has `rel="next"`. Invalid options throw a
 * `ConfigurationError` here, naming the option; nothing is requested until iteration starts.
 *
 * The item type comes from `schema` (validated), or from a typed strategy object; otherwise
 * `paginate<User>(...)` states it without checking, as `api.get<User>()` does in axios.
 *
 * @param client - an axle client (or any axios instance).
 * @param url - the first page's URL, relative to the client's `baseURL` or absolute.
 * @param options - {@link PaginateOptions}, or a strategy object.
 * @example
 * ```ts
 * for await (const user of paginate(api, '/users', { strategy: 'link', schema: User })) console.log(user.name);
 *
 * const pages = paginate(api, '/items', new CursorPagination({ cursorPath: 'meta.next_cursor', resultsKey: 'items' }));
 * for await (const page of pages.pages()) console.log(page.items.length);
 * console.log(pages.totalCount, pages.pagesFetched);
 * ```
 */
export function paginate<T>(
  client: AxiosInstance,
  url: string,
  options: PaginateOptions<unknown> & { readonly schema: ItemSchema<T> },
): Paginator<T>;
export function paginate<T>(
  client: AxiosInstance,
  url: string,
  strategy: PaginationStrategy<T> | (PaginateSchemaOptions<unknown> & { readonly strategy: PaginationStrategy<T> }),
): Paginator<T>;
export function paginate<T = unknown>(
  client: AxiosInstance,
  url: string,
  options?: PaginationStrategy<unknown> | PaginateOptions<unknown>,
): Paginator<T>;
export function paginate<T>(
  client: AxiosInstance,
  url: string,
  options?: PaginationStrategy<unknown> | PaginateOptions<unknown>,
): Paginator<T> {
  if (client === null || typeof client !== 'function' || typeof client.request !== 'function') {
    throw new ConfigurationError('client must be an axle client or an axios instance', { option: 'client' });
  }
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError('url must be a non-empty string (the first page, as for client.get)', {
      option: 'url',
    });
  }
  return new Paginator<T>(client, url, resolvePaginateOptions(options));
}
