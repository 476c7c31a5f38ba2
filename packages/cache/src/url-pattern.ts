/**
 * What a rule or `invalidatePattern` matches: a glob on the path (`'/users/*'`: `*` is any run of
 * characters but `/`, `**` is anything), a glob on the full URL when it has a scheme
 * (`'https://api.example.com/users/**'`), a regular expression tested on the full URL, or a
 * function of the full URL.
 *
 * @example
 * ```ts
 * const patterns: UrlPattern[] = ['/users/*', /\/search\?/, (url) => url.includes('/reports/')];
 * ```
 */
export type UrlPattern = string | RegExp | ((url: string) => boolean);

/**
 * Compiles a pattern into a test of full URLs (query included; a path glob matches the path,
 * or the path and query when the glob has a `?`).
 *
 * @example
 * ```ts
 * compilePattern('/users/*')('https://api.example.com/users/1'); // true
 * ```
 */
export function compilePattern(pattern: UrlPattern): (url: string) => boolean {
  if (typeof pattern === 'function') return pattern;
  if (pattern instanceof RegExp) {
    // A global or sticky expression keeps state between tests; a copy without the flags does not.
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return (url) => re.test(url);
  }
  const absolute = /^[a-z][a-z\d+\-.]*:\/\//i.test(pattern);
  const withQuery = pattern.includes('?');
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/?#]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`);
  if (absolute) return (url) => re.test(url);
  return (url) => {
    const rest = url.replace(/^[a-z][a-z\d+\-.]*:\/\/[^/?#]*/i, '');
    const hash = rest.indexOf('#');
    const target = hash === -1 ? rest : rest.slice(0, hash);
    if (withQuery) return re.test(target);
    const query = target.indexOf('?');
    return re.test(query === -1 ? target : target.slice(0, query));
  };
}
