import { ClientError, type ClientErrorJSON, type ClientErrorOptions } from '@axle/core';

/**
 * The base of the errors this package adds under `ClientError`: the walk cannot go on safely
 * (a loop, a next link to an origin that is not allowed). `code` starts with `ERR_PAGINATION`.
 *
 * @example
 * ```ts
 * try { for await (const item of paginate(api, '/items')) use(item); }
 * catch (err) { if (isPaginationError(err)) console.error(err.code, err.url); }
 * ```
 */
export class PaginationError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'PaginationError';

  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message, { code: 'ERR_PAGINATION', ...options });
  }
}

/**
 * What a {@link PaginationLoopError} is built from.
 *
 * @example
 * ```ts
 * new PaginationLoopError('Pagination loop', { pageIndex: 2, method: 'GET', url });
 * ```
 */
export interface PaginationLoopErrorOptions extends ClientErrorOptions {
  /** 0-based index of the page whose response pointed back. */
  pageIndex: number;
}

/**
 * The next page would be a request already made in this walk (the same URL with the same query,
 * e.g. a `next` link pointing back, or a cursor repeated): the walk stops instead of looping.
 * `url` (redacted) is the repeated request.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof PaginationLoopError) console.error(`loop after page ${err.pageIndex + 1}`, err.url); }
 * ```
 */
export class PaginationLoopError<T = unknown, D = unknown> extends PaginationError<T, D> {
  static override readonly errorName: string = 'PaginationLoopError';
  /** 0-based index of the page whose response pointed back. */
  readonly pageIndex: number;

  constructor(message: string, options: PaginationLoopErrorOptions) {
    super(message, { code: 'ERR_PAGINATION_LOOP', ...options });
    this.pageIndex = options.pageIndex;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), pageIndex: this.pageIndex };
  }
}

/**
 * What a {@link CrossOriginLinkError} is built from.
 *
 * @example
 * ```ts
 * new CrossOriginLinkError('Other origin', { origin: 'https://cdn.example.com', expectedOrigin: 'https://api.example.com', url });
 * ```
 */
export interface CrossOriginLinkErrorOptions extends ClientErrorOptions {
  /** The origin the next page lives on (`'null'` for a non-HTTP URL). */
  origin: string;
  /** The origin of the first page, which the walk may always stay on. */
  expectedOrigin: string;
}

/**
 * The next page lives on another origin (scheme, host and port) than the first page, and
 * `allowedOrigins` does not list it. The request is not sent, so the client's credentials
 * (an `Authorization` header, an API key) never reach that host.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof CrossOriginLinkError) console.error(`refused ${err.origin}`); }
 * // or allow it: paginate(api, '/items', { allowedOrigins: ['https://cdn.example.com'] })
 * ```
 */
export class CrossOriginLinkError<T = unknown, D = unknown> extends PaginationError<T, D> {
  static override readonly errorName: string = 'CrossOriginLinkError';
  /** The origin the next page lives on. */
  readonly origin: string;
  /** The origin of the first page. */
  readonly expectedOrigin: string;

  constructor(message: string, options: CrossOriginLinkErrorOptions) {
    super(message, { code: 'ERR_PAGINATION_ORIGIN', ...options });
    this.origin = options.origin;
    this.expectedOrigin = options.expectedOrigin;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), origin: this.origin, expectedOrigin: this.expectedOrigin };
  }
}
