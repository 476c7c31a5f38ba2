import type { AxiosProxyConfig } from 'axios';
import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';
import { redactUrl } from './redact';

/**
 * A proxy: axios's object (`{ protocol, host, port, auth }`), a URL string
 * (`http://user:pass@host:port`, `https://...`, `socks5://...`), or `false` for none. Without one,
 * `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` decide, for every request and redirect hop.
 *
 * @example
 * ```ts
 * createClient({ baseURL, proxy: 'http://user:pass@proxy.internal:3128' });
 * await api.get('/direct', { proxy: false });
 * ```
 */
export type ProxyOption = AxiosProxyConfig | string | false;

const SCHEMES = new Set(['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/**
 * Checks a `proxy` value and returns it as a URL string, `false`, or `undefined` (not set: the
 * environment decides). Credentials never appear in the error messages.
 *
 * @example
 * ```ts
 * resolveProxyOption({ host: '127.0.0.1', port: 3128 }, 'proxy'); // 'http://127.0.0.1:3128'
 * ```
 */
export function resolveProxyOption(value: unknown, option: string): string | false | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === false) return false;
  let url: string;
  if (typeof value === 'string') {
    url = value;
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Partial<AxiosProxyConfig> & Record<string, unknown>;
    if (typeof v.host !== 'string' || v.host === '' || !(Number.isInteger(v.port) && (v.port as number) > 0)) {
      throw new ConfigurationError(
        `Invalid ${option}: expected { host, port } with a host name and a port number (axios's form), a URL string, or false`,
        { option },
      );
    }
    const scheme = (typeof v.protocol === 'string' && v.protocol !== '' ? v.protocol : 'http').replace(/:$/, '');
    const auth = v.auth;
    let userinfo = '';
    if (auth !== undefined) {
      if (auth === null || typeof auth.username !== 'string' || typeof auth.password !== 'string') {
        throw new ConfigurationError(`Invalid ${option}.auth: expected { username, password }`, {
          option: `${option}.auth`,
        });
      }
      userinfo = `${encodeURIComponent(auth.username)}:${encodeURIComponent(auth.password)}@`;
    }
    const host = v.host.includes(':') && !v.host.startsWith('[') ? `[${v.host}]` : v.host;
    url = `${scheme}://${userinfo}${host}:${v.port}`;
  } else {
    throw new ConfigurationError(
      `Invalid ${option}: expected a URL string such as "http://proxy:3128", axios's { host, port } object, or false; got ${describeValue(value)}`,
      { option },
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !SCHEMES.has(parsed.protocol) || parsed.hostname === '') {
    throw new ConfigurationError(
      `Invalid ${option} ${JSON.stringify(redactUrl(url))}: expected an http://, https:// or socks5:// URL with a host`,
      { option },
    );
  }
  return parsed.href.replace(/\/$/, '');
}

/** Whether a proxy URL is a SOCKS proxy. */
export function isSocksProxy(url: string): boolean {
  return url.startsWith('socks');
}
