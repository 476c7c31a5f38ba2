import { type ClientErrorJSON, ValidationError, type ValidationErrorOptions } from '@axle/core';

/**
 * What a {@link MissingResultsError} is built from.
 *
 * @example
 * ```ts
 * throw new MissingResultsError('Results key "data" is missing', { path: 'data', config: response.config, response });
 * ```
 */
export interface MissingResultsErrorOptions extends ValidationErrorOptions {
  /** The results path that was looked up (`'data.items'`), or the paths tried when detecting. */
  path: string;
}

/**
 * A page's body has no array of results where the strategy looks for them: the `resultsKey` path
 * is missing or does not hold an array. A `ValidationError` (so `isValidationError` is true and
 * `issues` names the path); `path` is the path, and the message ends with the page's method and URL.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof MissingResultsError) console.error(err.path, err.url); }
 * ```
 */
export class MissingResultsError<T = unknown, D = unknown> extends ValidationError<T, D> {
  static override readonly errorName: string = 'MissingResultsError';
  /** The results path that was looked up. */
  readonly path: string;

  constructor(message: string, options: MissingResultsErrorOptions) {
    super(message, { code: 'ERR_PAGINATION_RESULTS', ...options });
    this.path = options.path;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), path: this.path };
  }
}
