import * as crypto from 'node:crypto';
import type { InternalAxiosRequestConfig } from 'axios';

/**
 * The credentials a request carries (`Authorization`, `Cookie`, `Proxy-Authorization`, axios's
 * `auth`), as one string to hash, or `''` when it carries none. Never logged or stored.
 */
export function credentialOf(config: InternalAxiosRequestConfig, headers: Record<string, string>): string {
  const auth = config.auth;
  const { authorization = '', cookie = '', 'proxy-authorization': proxy = '' } = headers;
  if (!auth && authorization === '' && cookie === '' && proxy === '') return '';
  const parts = [authorization, cookie, proxy];
  if (auth) parts.push(`${auth.username}:${auth.password}`);
  return parts.join('\n');
}

/**
 * The store key of a request: SHA-256 over its method, full URL and credential, in hex. Two
 * users of one client never share a key; the `Vary`'d headers select the variant in its record.
 *
 * @example
 * ```ts
 * cacheKey('GET', 'https://api.example.com/users/1', ''); // '3f1c...' (64 hex digits)
 * ```
 */
export function cacheKey(method: string, url: string, credential: string): string {
  return sha256Hex(`${method} ${url}\n${credential}`);
}

// crypto.hash() (Node 20.12+) is a one-shot digest, about half the cost of a Hash object.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;
const sha256Hex: (text: string) => string =
  typeof oneShot === 'function'
    ? (text) => oneShot('sha256', text)
    : (text) => crypto.createHash('sha256').update(text).digest('hex');
