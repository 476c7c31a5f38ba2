import { ValidationError } from '@axle/core';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { headerTotal } from './base-pagination';
import { nextLink } from './link-header-pagination';
import type { ResolvedPaginateOptions } from './options';
import { CrossOriginLinkError, PaginationError, PaginationLoopError } from './pagination-error';
import type { NextRequest, PageParams, PagePlan, PaginationStrategy } from './strategy';

/** A page as it arrived: its response, its raw items, where it came from. */
export interface FetchedPage {
  readonly index: number;
  readonly response: AxiosResponse;
  readonly items: readonly unknown[];
  readonly url: string;
  readonly totalCount: number | undefined;
}

/** Counters a walk keeps for the paginator that started it. */
export interface WalkStats {
  pagesFetched: number;
  totalCount: number | undefined;
  itemsYielded: number;
}

/** One page request: a URL, and the query parameters (none when following a URL as given). */
interface PageRequest {
  readonly url: string;
  readonly params: PageParams | undefined;
}

/** The page after the last one that arrived, decided as soon as that page arrived. */
type Pending =
  | { readonly kind: 'request'; readonly request: PageRequest }
  | { readonly kind: 'error'; readonly error: unknown };

const ignore = (): void => undefined;

/**
 * One walk through the pages: it requests pages in order, up to a window ahead of the page the
 * consumer is on, and hands them out in order. Pages are held only from their arrival until the
 * consumer takes them, so memory stays at most `window + 1` pages whatever the walk's length.
 */
export class PageWalk {
  readonly #client: AxiosInstance;
  readonly #options: ResolvedPaginateOptions;
  readonly #stats: WalkStats;
  readonly #controller = new AbortController();
  readonly #signal: AbortSignal;
  /** Scheduled pages the consumer has not taken yet, in index order. */
  readonly #slots: { readonly index: number; readonly promise: Promise<FetchedPage> }[] = [];
  /** Every request not settled yet, so `close()` can wait for them after aborting. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Requests made in this walk (full URLs), to stop on a loop. */
  readonly #visited = new Set<string>();
  #strategy: PaginationStrategy<unknown>;
  #first: PageRequest;
  #origin: string | undefined;
  #plan: { readonly plan: PagePlan; readonly pageCount: number } | undefined;
  #pending: Pending | undefined;
  /** Index of the next page to schedule. */
  #nextIndex = 0;
  /** Index of the page the consumer holds or waits for. */
  #wanted = -1;
  /** Page requests in flight, which `concurrency` caps. */
  #requests = 0;
  /** Items on the pages that arrived, for `maxItems` and strategies that count. */
  #itemsFetched = 0;
  /** Nothing more will be scheduled: the last page was decided, a limit was reached, or a page failed. */
  #finished = false;
  #closed = false;

  constructor(client: AxiosInstance, url: string, options: ResolvedPaginateOptions, stats: WalkStats) {
    this.#client = client;
    this.#options = options;
    this.#stats = stats;
    this.#strategy = options.strategy;
    this.#signal = options.signal
      ? AbortSignal.any([options.signal, this.#controller.signal])
      : this.#controller.signal;
    this.#first = { url, params: { ...options.params, ...options.strategy.initialParams?.() } };
    const firstUrl = this.#fullUrl(this.#first);
    this.#origin = originOf(firstUrl);
    this.#visited.add(firstUrl);
    this.#pending = { kind: 'request', request: this.#first };
  }

  /** The next page in order, or `undefined` after the last one. Rejects with the page's failure. */
  next(): Promise<FetchedPage | undefined> {
    this.#wanted += 1;
    this.#fill();
    const slot = this.#slots.shift();
    return slot ? slot.promise : Promise.resolve(undefined);
  }

  /** Stops the walk: nothing more is requested, requests in flight are aborted and waited for. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#finished = true;
    this.#pending = undefined;
    this.#slots.length = 0;
    if (this.#inFlight.size === 0) return;
    this.#controller.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  get #window(): number {
    return this.#plan ? Math.max(this.#options.prefetch, this.#options.concurrency - 1) : this.#options.prefetch;
  }

  /** Schedules what the window allows. */
  #fill(): void {
    if (this.#closed) return;
    const last = this.#wanted + this.#window;
    const planned = this.#plan;
    if (planned) {
      while (
        !this.#finished &&
        this.#nextIndex < planned.pageCount &&
        this.#nextIndex <= last &&
        this.#requests < this.#options.concurrency
      ) {
        const index = this.#nextIndex;
        this.#schedule(index, {
          url: this.#first.url,
          params: { ...this.#first.params, ...planned.plan.paramsFor(index) },
        });
      }
      if (this.#nextIndex >= planned.pageCount) this.#finished = true;
      return;
    }
    const pending = this.#pending;
    if (pending === undefined || this.#nextIndex > last) return;
    this.#pending = undefined;
    if (pending.kind === 'error') {
      this.#finished = true;
      const promise = Promise.reject(pending.error);
      promise.catch(ignore);
      this.#slots.push({ index: this.#nextIndex, promise });
      this.#nextIndex += 1;
      return;
    }
    this.#schedule(this.#nextIndex, pending.request);
  }

  #schedule(index: number, request: PageRequest): void {
    this.#nextIndex = index + 1;
    this.#requests += 1;
    const config: AxiosRequestConfig = { ...this.#options.config, url: request.url, signal: this.#signal };
    if (request.params !== undefined) config.params = request.params;
    const sent = this.#client.request<unknown>(config);
    this.#inFlight.add(sent);
    const promise = sent.then(
      (response) => {
        this.#settled(sent);
        return this.#arrive(index, request, response);
      },
      (error: unknown) => {
        this.#settled(sent);
        this.#finished = true;
        throw error;
      },
    );
    // The consumer may never reach this page (an early break): its failure must not be unhandled.
    promise.catch(ignore);
    this.#slots.push({ index, promise });
  }

  #settled(request: Promise<unknown>): void {
    this.#inFlight.delete(request);
    this.#requests -= 1;
  }

  /** Reads a page that arrived, decides the next one, and tops the window up. */
  #arrive(index: number, request: PageRequest, response: AxiosResponse): FetchedPage {
    const stats = this.#stats;
    stats.pagesFetched += 1;
    let items: readonly unknown[];
    try {
      items = this.#strategy.extractItems(response);
      if (!Array.isArray(items)) {
        throw new ValidationError(
          `extractItems of the ${this.#strategy.name ?? 'custom'} strategy must return an array; got ${items === null ? 'null' : typeof items}`,
          { config: response.config, response },
        );
      }
    } catch (error) {
      this.#finished = true;
      throw error;
    }
    const total = this.#strategy.extractTotal?.(response) ?? headerTotal(response);
    if (total !== undefined) stats.totalCount = total;
    const url = this.#responseUrl(response);
    if (!this.#plan && !this.#finished) {
      this.#itemsFetched += items.length;
      if (index === 0) this.#onFirstPage(request, response, items.length, url);
      if (!this.#plan) this.#pending = this.#decideNext(index, request, response, items.length, url);
    }
    this.#fill();
    return { index, response, items, url, totalCount: total ?? stats.totalCount };
  }

  #onFirstPage(request: PageRequest, response: AxiosResponse, itemCount: number, url: string): void {
    this.#origin ??= originOf(url);
    const { autoLink, concurrency, maxPages, maxItems } = this.#options;
    if (autoLink && nextLink(response, url) !== null) this.#strategy = autoLink;
    const total = this.#stats.totalCount;
    const planPages = this.#strategy.planPages;
    if (concurrency < 2 || total === undefined || planPages === undefined) return;
    const plan = planPages.call(this.#strategy, { params: request.params ?? {}, itemCount, totalCount: total });
    if (!plan) return;
    const forItems = itemCount > 0 ? Math.ceil(maxItems / itemCount) : 1;
    const pageCount = Math.min(plan.pageCount, maxPages, forItems);
    this.#plan = { plan, pageCount };
    if (pageCount <= 1) this.#finished = true;
  }

  /** The page after page `index`, as the strategy says, checked against limits, origins and loops. */
  #decideNext(
    index: number,
    request: PageRequest,
    response: AxiosResponse,
    itemCount: number,
    url: string,
  ): Pending | undefined {
    const { maxPages, maxItems } = this.#options;
    if (index + 1 >= maxPages || this.#itemsFetched >= maxItems) {
      this.#finished = true;
      return undefined;
    }
    let next: NextRequest;
    let following: PageRequest;
    try {
      next = this.#strategy.getNextRequest(response, request.params ?? {}, {
        url,
        pageIndex: index,
        itemCount,
        itemsFetched: this.#itemsFetched,
        totalCount: this.#stats.totalCount,
      });
      if (next === null || next === undefined) {
        this.#finished = true;
        return undefined;
      }
      following = this.#toRequest(next, request, response, url);
    } catch (error) {
      return { kind: 'error', error };
    }
    const full = this.#fullUrl(following);
    if (this.#visited.has(full)) {
      return {
        kind: 'error',
        error: new PaginationLoopError(
          `Pagination loop: page ${index + 1} points to a page this walk already requested; stopping`,
          { pageIndex: index, method: (this.#options.config.method ?? 'get').toUpperCase(), url: full },
        ),
      };
    }
    this.#visited.add(full);
    return { kind: 'request', request: following };
  }

  #toRequest(next: NextRequest, current: PageRequest, response: AxiosResponse, base: string): PageRequest {
    if (typeof next === 'string') {
      let target: URL;
      try {
        target = new URL(next, base);
      } catch {
        throw new PaginationError(`The next page's URL "${next}" is not a valid URL`, {
          config: response.config,
          response,
        });
      }
      const origin = target.protocol === 'http:' || target.protocol === 'https:' ? target.origin : 'null';
      const expected = this.#origin ?? 'null';
      if (origin !== expected && !this.#options.allowedOrigins.has(origin)) {
        throw new CrossOriginLinkError(
          `The next page is on another origin (${origin}, not ${expected}) and allowedOrigins does not list it; not following it, so credentials stay on ${expected}`,
          {
            origin,
            expectedOrigin: expected,
            method: (this.#options.config.method ?? 'get').toUpperCase(),
            url: target.href,
          },
        );
      }
      return { url: target.href, params: undefined };
    }
    if (typeof next === 'object') return { url: current.url, params: { ...current.params, ...next } };
    throw new PaginationError(
      `getNextRequest of the ${this.#strategy.name ?? 'custom'} strategy must return query parameters, a URL, or null; got ${typeof next}`,
      { config: response.config, response },
    );
  }

  /** The full URL of a request, as axios would send it (base URL, query). */
  #fullUrl(request: PageRequest): string {
    const config: AxiosRequestConfig = { ...this.#options.config, url: request.url };
    if (request.params !== undefined) config.params = request.params;
    return this.#client.getUri(config);
  }

  /** Where a response came from: the last URL after redirects, else the URL requested. */
  #responseUrl(response: AxiosResponse): string {
    const res = (response.request as { res?: { responseUrl?: unknown } } | undefined)?.res;
    if (typeof res?.responseUrl === 'string' && res.responseUrl !== '') return res.responseUrl;
    return this.#client.getUri(response.config);
  }
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
