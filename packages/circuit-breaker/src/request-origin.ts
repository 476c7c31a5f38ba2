import type { InternalAxiosRequestConfig } from 'axios';

const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;
// scheme://authority: the part of a URL its origin depends on.
const PREFIX = /^[a-z][a-z\d+\-.]*:\/\/[^/?#]*/i;
const CACHE_LIMIT = 256;

/** The parts of a request config its origin depends on. */
export type OriginConfig = Pick<InternalAxiosRequestConfig, 'url' | 'baseURL' | 'allowAbsoluteUrls'>;

/**
 * Returns a function that gives the origin a request goes to (`http://127.0.0.1:8080`), as
 * `URL#origin` spells it: scheme and host lower case, default port dropped, credentials left
 * out. The URL is combined with `baseURL` as axios combines them; a URL with no origin gives
 * `'unknown'`. Each function keeps a small cache of its own, so parsing stays off the path of
 * most requests.
 *
 * @example
 * ```ts
 * const originOf = createOriginResolver();
 * originOf({ baseURL: 'HTTPS://API.example.com:443/v1', url: '/users' }); // 'https://api.example.com'
 * ```
 */
export function createOriginResolver(): (config: OriginConfig) => string {
  const cache = new Map<string, string>();
  return (config) => {
    const url = config.url ?? '';
    const full = config.baseURL && !(ABSOLUTE.test(url) && config.allowAbsoluteUrls !== false) ? config.baseURL : url;
    const prefix = PREFIX.exec(full)?.[0];
    if (prefix === undefined) return 'unknown';
    let origin = cache.get(prefix);
    if (origin !== undefined) return origin;
    try {
      origin = new URL(prefix).origin;
    } catch {
      origin = 'unknown';
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(prefix, origin);
    return origin;
  };
}
