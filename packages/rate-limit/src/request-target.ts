import type { InternalAxiosRequestConfig } from 'axios';

const ABSOLUTE = /^[a-z][a-z\d+\-.]*:\/\//i;
const ORIGIN = /^([a-z][a-z\d+\-.]*:\/\/[^/?#]*)(.*)$/i;

/**
 * The origin a request goes to (`http://api.example.com:8080`), from its `url` when absolute,
 * else from its `baseURL`; `''` when neither says.
 */
export function requestOrigin(config: InternalAxiosRequestConfig): string {
  const url = config.url ?? '';
  const source = ABSOLUTE.test(url) && config.allowAbsoluteUrls !== false ? url : (config.baseURL ?? '');
  const match = ORIGIN.exec(source);
  return match ? (match[1] as string).toLowerCase() : '';
}

/** `'METHOD /path'` for rule matching: the request's `url` without query or fragment (the path of an absolute one). */
export function requestTarget(config: InternalAxiosRequestConfig): string {
  let path = config.url ?? '';
  const absolute = ORIGIN.exec(path);
  if (absolute && ABSOLUTE.test(path)) path = absolute[2] as string;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (!path.startsWith('/')) path = `/${path}`;
  return `${(config.method ?? 'get').toUpperCase()} ${path}`;
}
