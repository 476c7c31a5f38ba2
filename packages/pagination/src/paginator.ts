import type { AxiosInstance, AxiosResponse } from 'axios';
import { type ItemSchema, validateItem } from './item-schema';
import type { ResolvedPaginateOptions } from './options';
import { type FetchedPage, PageWalk, type WalkStats } from './page-walk';

/**
 * One page, as `pages()` yields it.
 *
 * @typeParam T - the item type.
 * @example
 * ```ts
 * for await (const page of paginate(api, '/items').pages()) console.log(page.index, page.items.length, page.response.status);
 * ```
 */
export interface Page<T> {
  /** 0-based index of the page in this walk. */
  readonly index: number;
  /** The page's items (validated when a `schema` is given; cut short at `maxItems`). */
  readonly items: readonly T[];
  /** The page's response, as the client returned it. */
  readonly response: AxiosResponse;
  /** The absolute URL the page came from. */
  readonly url: string;
  /** The total number of items, when known so far (`totalKey` or `X-Total-Count`). */
  readonly totalCount: number | undefined;
}

/**
 * What `paginate` returns: an async iterable of items (`for await (const item of paginator)`),
 * of pages (`paginator.pages()`), and the walk's counters.
 *
 * Nothing is requested until iteration starts, and each iteration is a new walk from the first
 * page; the counters describe the walk started last. Items are streamed: a page is held from its
 * arrival until its last item is yielded, never longer, so a walk of any length takes the memory
 * of `prefetch + 1` pages (or `concurrency`). Breaking out of the loop requests no further page and
 * aborts read-ahead requests in flight.
 *
 * @typeParam T - the item type (the schema's output when a `schema` is given).
 * @example
 * ```ts
 * const users = paginate(api, '/users', { maxPages: 10 });
 * for await (const user of users) console.log(user);
 * console.log(users.totalCount, users.pagesFetched);
 * ```
 */
export class Paginator<T> implements AsyncIterable<T> {
  readonly #client: AxiosInstance;
  readonly #url: string;
  readonly #options: ResolvedPaginateOptions;
  #stats: WalkStats = { pagesFetched: 0, totalCount: undefined, itemsYielded: 0 };

  /** Made by `paginate`; not meant to be called directly. */
  constructor(client: AxiosInstance, url: string, options: ResolvedPaginateOptions) {
    this.#client = client;
    this.#url = url;
    this.#options = options;
  }

  /** The total number of items, once a page said (`totalKey` or `X-Total-Count`); else `undefined`. */
  get totalCount(): number | undefined {
    return this.#stats.totalCount;
  }

  /** Pages whose responses arrived in the current walk (read-ahead pages included). */
  get pagesFetched(): number {
    return this.#stats.pagesFetched;
  }

  /** Items yielded so far in the current walk. */
  get itemsYielded(): number {
    return this.#stats.itemsYielded;
  }

  /**
   * Iterates the items, in order, page after page.
   *
   * @example
   * ```ts
   * for await (const item of paginate(api, '/items')) if (item.id > 1000) break; // no further page is requested
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const { maxItems } = this.#options;
    const stats = this.#start();
    const walk = new PageWalk(this.#client, this.#url, this.#options, stats);
    const cursor = new ItemCursor(walk, this.#options.schema);
    try {
      for (;;) {
        if (stats.itemsYielded >= maxItems) return;
        const item = cursor.take();
        if (item === NO_ITEM) {
          if (await cursor.advance()) continue;
          return;
        }
        stats.itemsYielded += 1;
        yield item as T;
      }
    } finally {
      await walk.close();
    }
  }

  /**
   * Iterates whole pages with their responses, in order. With a `schema`, a page is yielded once
   * every item on it is valid.
   *
   * @example
   * ```ts
   * for await (const page of paginate(api, '/items').pages()) console.log(page.index, page.response.headers.etag);
   * ```
   */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    const { schema, maxItems } = this.#options;
    const stats = this.#start();
    const walk = new PageWalk(this.#client, this.#url, this.#options, stats);
    try {
      for (;;) {
        const page = await walk.next();
        if (page === undefined) return;
        const room = maxItems - stats.itemsYielded;
        const raw = page.items.length > room ? page.items.slice(0, room) : page.items;
        const items = schema ? raw.map((item, i) => validateItem(schema, item, i, page.index, page.response)) : raw;
        stats.itemsYielded += items.length;
        yield {
          index: page.index,
          items: items as readonly T[],
          response: page.response,
          url: page.url,
          totalCount: page.totalCount,
        };
        if (stats.itemsYielded >= maxItems) return;
      }
    } finally {
      await walk.close();
    }
  }

  /**
   * Collects every item into an array. This keeps them all in memory: bound the walk with
   * `maxPages` or `maxItems`, or iterate instead.
   *
   * @example
   * ```ts
   * const first500 = await paginate(api, '/users', { maxItems: 500 }).toArray();
   * ```
   */
  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) all.push(item);
    return all;
  }

  #start(): WalkStats {
    this.#stats = { pagesFetched: 0, totalCount: undefined, itemsYielded: 0 };
    return this.#stats;
  }
}

const NO_ITEM: unique symbol = Symbol('no item');

/**
 * The item iterator's position in the current page. The page lives here, in a field cleared
 * before the next page is awaited, and not in a local of the async generator: optimised V8 code
 * does not overwrite a generator's dead registers when it suspends, so a local would keep a page
 * passed long ago (with all its items) reachable for the rest of the walk.
 */
class ItemCursor {
  readonly #walk: PageWalk;
  readonly #schema: ItemSchema<unknown> | undefined;
  #page: FetchedPage | undefined;
  #position = 0;

  constructor(walk: PageWalk, schema: ItemSchema<unknown> | undefined) {
    this.#walk = walk;
    this.#schema = schema;
  }

  /** The next item of the current page (validated), or `NO_ITEM` when the page is used up. */
  take(): unknown {
    const page = this.#page;
    if (page === undefined || this.#position >= page.items.length) return NO_ITEM;
    const position = this.#position;
    this.#position += 1;
    const raw = page.items[position];
    return this.#schema ? validateItem(this.#schema, raw, position, page.index, page.response) : raw;
  }

  /** Moves to the next page; `false` after the last one. */
  async advance(): Promise<boolean> {
    this.#page = undefined;
    this.#position = 0;
    this.#page = await this.#walk.next();
    return this.#page !== undefined;
  }
}
