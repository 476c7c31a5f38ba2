import { type AxlePlugin, ConfigurationError, definePlugin } from '@axle/core';
import type { PaginateMethod } from './augment';
import {
  mergePaginateOptions,
  type PaginateCommonOptions,
  type PaginateOptions,
  resolvePaginateOptions,
} from './options';
import { paginate } from './paginate';

/**
 * Defaults for every `client.paginate` call: common options, and optionally a strategy by name with its options.
 *
 * @example
 * ```ts
 * const defaults: PaginationDefaults = { strategy: 'page', perPage: 50, maxPages: 100 };
 * ```
 */
export type PaginationDefaults = PaginateOptions<unknown> | PaginateCommonOptions;

/**
 * The handle `pagination()` returns: a plugin, plus the defaults it applies.
 *
 * @example
 * ```ts
 * const plugin = pagination({ maxPages: 10 });
 * plugin.defaults.maxPages; // 10
 * ```
 */
export interface PaginationPlugin extends AxlePlugin {
  readonly name: 'pagination';
  /** The defaults each `client.paginate` call starts from. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

/**
 * A plugin (role `extension`) that adds `client.paginate(url, options)`: `paginate(client, ...)`
 * with `defaults` merged under each call's options (a call that names its own strategy keeps only
 * the defaults' common options). It adds no request step and no per-request key: each page is an
 * ordinary request through the client's pipeline. Defaults are checked here, at once.
 *
 * @param defaults - options every call starts from. Default: none.
 * @example
 * ```ts
 * const api = createClient({ baseURL, plugins: [pagination({ strategy: 'cursor', cursorPath: 'meta.next', maxPages: 100 })] });
 * for await (const item of api.paginate('/items')) console.log(item);
 * ```
 */
export function pagination(defaults: PaginationDefaults = {}): PaginationPlugin {
  if (defaults === null || typeof defaults !== 'object' || Array.isArray(defaults)) {
    throw new ConfigurationError('pagination() takes an options object', { option: 'options' });
  }
  const frozen: Readonly<Record<string, unknown>> = Object.freeze({ ...defaults });
  resolvePaginateOptions(frozen);
  return definePlugin({
    name: 'pagination',
    role: 'extension',
    defaults: frozen,
    install(ctx) {
      if (Object.hasOwn(ctx.client, 'paginate')) {
        throw new ConfigurationError('the client already has a paginate method (another plugin defined one)', {
          option: 'plugins',
        });
      }
      // On the client and on every client `extend` makes from it.
      ctx.decorate((client) => {
        const method = ((url: string, options?: unknown) =>
          paginate(client, url, mergePaginateOptions(frozen, options) as PaginateOptions)) as PaginateMethod;
        Object.defineProperty(client, 'paginate', { value: method, configurable: true, writable: false });
      });
      return undefined;
    },
  } as const);
}
