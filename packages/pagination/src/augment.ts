import type { ItemSchema } from './item-schema';
import type { PaginateOptions, PaginateSchemaOptions } from './options';
import type { Paginator } from './paginator';
import type { PaginationStrategy } from './strategy';

/**
 * The type of `client.paginate`, which the `pagination()` plugin adds: `paginate` with the client
 * already given (and the plugin's defaults merged under the options).
 *
 * @example
 * ```ts
 * const api = createClient({ baseURL, plugins: [pagination({ maxPages: 50 })] });
 * for await (const user of api.paginate('/users', { schema: User })) console.log(user.name);
 * ```
 */
export interface PaginateMethod {
  <T>(url: string, options: PaginateOptions<unknown> & { readonly schema: ItemSchema<T> }): Paginator<T>;
  <T>(
    url: string,
    strategy: PaginationStrategy<T> | (PaginateSchemaOptions<unknown> & { readonly strategy: PaginationStrategy<T> }),
  ): Paginator<T>;
  <T = unknown>(url: string, options?: PaginationStrategy<unknown> | PaginateOptions<unknown>): Paginator<T>;
}

declare module '@axle/core' {
  interface AxleInstance {
    /**
     * Walks a paginated endpoint with this client: `paginate(client, url, options)` with the
     * `pagination()` plugin's defaults. Present only on a client created with that plugin (a
     * client made from it by `extend` does not have it: call `paginate(child, url, options)`).
     */
    paginate: PaginateMethod;
  }
}
