import { ConfigurationError } from '@axle/core';
import type { AxiosRequestConfig } from 'axios';
import { checkInteger, checkKnownKeys, checkObject, describeValue } from './check-option';
import { CURSOR_OPTION_KEYS, CursorPagination, type CursorPaginationOptions } from './cursor-pagination';
import type { ItemSchema } from './item-schema';
import { LINK_OPTION_KEYS, LinkHeaderPagination, type LinkHeaderPaginationOptions } from './link-header-pagination';
import {
  OFFSET_OPTION_KEYS,
  OffsetLimitPagination,
  type OffsetLimitPaginationOptions,
} from './offset-limit-pagination';
import { PAGE_OPTION_KEYS, PageNumberPagination, type PageNumberPaginationOptions } from './page-number-pagination';
import type { PageParams, PaginationStrategy } from './strategy';

/**
 * A built-in strategy by name. `'auto'` (the default) starts as `'offset'` and switches to
 * `'link'` when the first page has a `Link` header with `rel="next"`.
 *
 * @example
 * ```ts
 * paginate(api, '/users', { strategy: 'page' satisfies StrategyName });
 * ```
 */
export type StrategyName = 'auto' | 'offset' | 'page' | 'cursor' | 'link';

/**
 * Every strategy name, for messages and checks.
 *
 * @example
 * ```ts
 * STRATEGY_NAMES.includes(name as StrategyName);
 * ```
 */
export const STRATEGY_NAMES: readonly StrategyName[] = Object.freeze(['auto', 'offset', 'page', 'cursor', 'link']);

/**
 * Options of a walk, whatever the strategy.
 *
 * @example
 * ```ts
 * const common: PaginateCommonOptions = { maxPages: 10, prefetch: 1, config: { headers: { Accept: 'application/json' } } };
 * ```
 */
export interface PaginateCommonOptions {
  /**
   * Query parameters of the first page, kept on later pages by the offset, page and cursor
   * strategies (a strategy's own parameters win). Pages reached by following a URL (`Link`
   * headers) use that URL's query instead. Default: none.
   */
  readonly params?: PageParams;
  /**
   * More request config for every page: `headers`, `timeout`, `method` and `data` (for APIs that
   * paginate a POST), per-request plugin keys (`retry`, `cache`, ...). Not `url`, `params` or
   * `signal` (use the options of the same name). Default: none.
   */
  readonly config?: Omit<AxiosRequestConfig, 'url' | 'params' | 'signal'>;
  /** Pages to fetch at most. Default `Infinity`. */
  readonly maxPages?: number;
  /** Items to yield at most; no page is requested once the pages fetched hold this many. Default `Infinity`. */
  readonly maxItems?: number;
  /**
   * Pages to request ahead of the one being consumed, while the caller works on it. A page's
   * successor is known only once the page has arrived, so read-ahead requests follow each other.
   * Default `0` (the next page is requested when the caller asks for it).
   */
  readonly prefetch?: number;
  /**
   * Page requests in flight at once, for strategies that can plan every page once the total is
   * known (offset and page, with `totalKey` or `X-Total-Count`); items are still yielded in order.
   * It implies reading up to `concurrency - 1` pages ahead. Other walks request one page at a time.
   * Default `1`.
   */
  readonly concurrency?: number;
  /**
   * Origins (`'https://cdn.example.com'`) a next page may live on besides the first page's own.
   * A URL to any other origin stops the walk with a `CrossOriginLinkError` and is never requested.
   * Default `[]`.
   */
  readonly allowedOrigins?: readonly string[];
  /** Aborts the walk: the request in flight rejects with axios's `CanceledError`. Default: none. */
  readonly signal?: AbortSignal;
}

/**
 * Common options plus the item schema.
 *
 * @example
 * ```ts
 * paginate(api, '/users', { schema: z.object({ id: z.number() }), maxItems: 100 });
 * ```
 */
export interface PaginateSchemaOptions<T> extends PaginateCommonOptions {
  /** Validates each item and types the iterator; see {@link ItemSchema}. Default: none (items are yielded as parsed). */
  readonly schema?: ItemSchema<T>;
}

/**
 * The strategy chosen by name (with that strategy's options given flat) or given as an object.
 *
 * @example
 * ```ts
 * const byName: StrategySelection = { strategy: 'cursor', cursorPath: 'meta.next' };
 * const byObject: StrategySelection = { strategy: new CursorPagination() };
 * ```
 */
export type StrategySelection<T = unknown> =
  | ({ readonly strategy?: 'auto' } & OffsetLimitPaginationOptions)
  | ({ readonly strategy: 'offset' } & OffsetLimitPaginationOptions)
  | ({ readonly strategy: 'page' } & PageNumberPaginationOptions)
  | ({ readonly strategy: 'cursor' } & CursorPaginationOptions)
  | ({ readonly strategy: 'link' } & LinkHeaderPaginationOptions)
  | { readonly strategy: PaginationStrategy<T> };

/**
 * Options of `paginate`: {@link PaginateCommonOptions}, `schema`, and a strategy, by name with its
 * options flat (`{ strategy: 'cursor', cursorPath: 'meta.next' }`) or as an object
 * (`{ strategy: new CursorPagination({...}) }`, or your own).
 *
 * @example
 * ```ts
 * const options: PaginateOptions = { strategy: 'page', perPage: 50, maxPages: 10, prefetch: 1 };
 * ```
 */
export type PaginateOptions<T = unknown> = PaginateSchemaOptions<T> & StrategySelection<T>;

/**
 * What a walk runs with, after checks and defaults.
 *
 * @example
 * ```ts
 * const { maxPages, prefetch } = resolvePaginateOptions({ maxPages: 3 }); // 3, 0
 * ```
 */
export interface ResolvedPaginateOptions {
  readonly strategy: PaginationStrategy<unknown>;
  /** The strategy `'auto'` switches to when the first page has a `Link` header with `rel="next"`. */
  readonly autoLink: LinkHeaderPagination | undefined;
  readonly schema: ItemSchema<unknown> | undefined;
  readonly params: PageParams;
  readonly config: AxiosRequestConfig;
  readonly maxPages: number;
  readonly maxItems: number;
  readonly prefetch: number;
  readonly concurrency: number;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly signal: AbortSignal | undefined;
}

const COMMON_KEYS: readonly string[] = [
  'strategy',
  'schema',
  'params',
  'config',
  'maxPages',
  'maxItems',
  'prefetch',
  'concurrency',
  'allowedOrigins',
  'signal',
];

const STRATEGY_KEYS: Readonly<Record<Exclude<StrategyName, 'auto'>, readonly string[]>> = {
  offset: OFFSET_OPTION_KEYS,
  page: PAGE_OPTION_KEYS,
  cursor: CURSOR_OPTION_KEYS,
  link: LINK_OPTION_KEYS,
};

/**
 * Whether `value` has the shape of a strategy object (`getNextRequest` and `extractItems`).
 *
 * @example
 * ```ts
 * isPaginationStrategy(new CursorPagination()); // true
 * isPaginationStrategy({ maxPages: 2 });        // false
 * ```
 */
export function isPaginationStrategy(value: unknown): value is PaginationStrategy<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<PaginationStrategy<unknown>>;
  return typeof candidate.getNextRequest === 'function' && typeof candidate.extractItems === 'function';
}

/**
 * Checks `paginate`'s options and fills in defaults. Anything invalid throws a
 * `ConfigurationError` at once, naming the option; an unknown key (a typo, or an option of another
 * strategy) is rejected too, with a suggestion when one is close.
 *
 * @param options - a strategy object, or {@link PaginateOptions}.
 * @example
 * ```ts
 * resolvePaginateOptions({ strategy: 'cursor', cursorPath: 'meta.next', maxPages: 5 });
 * ```
 */
export function resolvePaginateOptions(options: unknown): ResolvedPaginateOptions {
  if (isPaginationStrategy(options)) return resolvePaginateOptions({ strategy: options });
  const given = checkObject(options, 'options') ?? {};
  const strategyOption = given.strategy;
  let strategy: PaginationStrategy<unknown>;
  let autoLink: LinkHeaderPagination | undefined;
  if (strategyOption === undefined || typeof strategyOption === 'string') {
    const name = strategyOption ?? 'auto';
    if (!STRATEGY_NAMES.includes(name as StrategyName)) {
      throw new ConfigurationError(
        `strategy must be one of ${STRATEGY_NAMES.map((n) => `"${n}"`).join(', ')}, or a strategy object; got ${describeValue(name)}`,
        { option: 'strategy' },
      );
    }
    const keys = STRATEGY_KEYS[name === 'auto' ? 'offset' : (name as Exclude<StrategyName, 'auto'>)];
    checkKnownKeys(given, [...COMMON_KEYS, ...keys], '');
    const own = Object.fromEntries(Object.entries(given).filter(([key]) => keys.includes(key)));
    switch (name) {
      case 'page':
        strategy = new PageNumberPagination(own, '');
        break;
      case 'cursor':
        strategy = new CursorPagination(own, '');
        break;
      case 'link':
        strategy = new LinkHeaderPagination(own, '');
        break;
      default:
        strategy = new OffsetLimitPagination(own, '');
        if (name === 'auto') {
          // Same keys as the offset strategy: auto finds the items and the total in the same places.
          const shared: LinkHeaderPaginationOptions = {
            resultsKey: own.resultsKey as string | undefined,
            totalKey: own.totalKey as string | undefined,
          };
          autoLink = new LinkHeaderPagination(shared, '');
        }
    }
  } else if (isPaginationStrategy(strategyOption)) {
    strategy = strategyOption;
    checkKnownKeys(given, COMMON_KEYS, '');
  } else {
    throw new ConfigurationError(
      'strategy must be a strategy name or an object with getNextRequest(response, currentParams) and extractItems(response)',
      { option: 'strategy' },
    );
  }

  const schema = given.schema;
  if (schema !== undefined && (schema === null || typeof (schema as ItemSchema<unknown>).safeParse !== 'function')) {
    throw new ConfigurationError('schema must be a zod schema (or any object with safeParse(value))', {
      option: 'schema',
    });
  }
  const params = checkObject(given.params, 'params') ?? {};
  const config = checkObject(given.config, 'config') ?? {};
  for (const key of ['url', 'params', 'signal'] as const) {
    if (key in config) {
      throw new ConfigurationError(
        `config.${key} is not taken here; use paginate's ${key === 'url' ? 'url argument' : `${key} option`}`,
        {
          option: `config.${key}`,
        },
      );
    }
  }
  const signal = given.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigurationError(`signal must be an AbortSignal; got ${describeValue(signal)}`, { option: 'signal' });
  }
  return Object.freeze({
    strategy,
    autoLink,
    schema: schema as ItemSchema<unknown> | undefined,
    params,
    config: config as AxiosRequestConfig,
    maxPages: checkInteger(given.maxPages, 'maxPages', 1, { allowInfinity: true }) ?? Number.POSITIVE_INFINITY,
    maxItems: checkInteger(given.maxItems, 'maxItems', 1, { allowInfinity: true }) ?? Number.POSITIVE_INFINITY,
    prefetch: checkInteger(given.prefetch, 'prefetch', 0) ?? 0,
    concurrency: checkInteger(given.concurrency, 'concurrency', 1) ?? 1,
    allowedOrigins: resolveOrigins(given.allowedOrigins),
    signal,
  });
}

/**
 * Merges a client's defaults (from the `pagination()` plugin) with one call's options: the call
 * wins, and when it names its own strategy, the defaults' strategy options are left out.
 */
export function mergePaginateOptions(defaults: Readonly<Record<string, unknown>>, options: unknown): unknown {
  if (Object.keys(defaults).length === 0) return options;
  const call = isPaginationStrategy(options) ? { strategy: options } : options;
  if (call !== undefined && (call === null || typeof call !== 'object')) return call;
  const own = (call ?? {}) as Record<string, unknown>;
  const base =
    own.strategy === undefined
      ? defaults
      : Object.fromEntries(Object.entries(defaults).filter(([key]) => COMMON_KEYS.includes(key)));
  return { ...base, ...own };
}

function resolveOrigins(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) {
    throw new ConfigurationError(`allowedOrigins must be an array of origins; got ${describeValue(value)}`, {
      option: 'allowedOrigins',
    });
  }
  return new Set(
    value.map((entry: unknown, index) => {
      const option = `allowedOrigins[${index}]`;
      let url: URL | undefined;
      try {
        url = typeof entry === 'string' ? new URL(entry) : undefined;
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.length > 1 || url.search) {
        throw new ConfigurationError(
          `${option} must be an origin such as "https://api.example.com" (scheme, host and port only); got ${describeValue(entry)}`,
          { option },
        );
      }
      return url.origin;
    }),
  );
}
