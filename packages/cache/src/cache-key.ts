import { createHash } from 'node:crypto';
import type { InternalAxiosRequestConfig } from 'axios';

/**
 * The credentials a request carries (`Authorization`, `Cookie`, `Proxy-Authorization`, axios's
 * `auth`), as one string to hash, or `''` when it carries none. Never logged or stored.
 */
export function credentialOf(config: InternalAxiosRequestConfig, headers: Record<string, string>): string {
  const auth = config.auth;
  const parts = [headers.authorization, headers.cookie, headers['proxy-authorization']];
  if (auth) parts.push(`${auth.username}:${auth.password}`);
  if (parts.every((part) => part === undefined || part === '')) return '';
  return parts.map((part) => part ?? '').join('\n');
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
  return createHash('sha256').update(`${method} ${url}\n${credential}`).digest('hex');
}
