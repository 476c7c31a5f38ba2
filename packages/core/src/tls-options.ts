import type { SecureVersion } from 'node:tls';
import { ConfigurationError } from './configuration-error';
import { describeValue } from './option-checks';
import { suggestOption } from './suggest-option';

/**
 * PEM text (a string or a Buffer), or a list of them.
 *
 * @example
 * ```ts
 * const ca: TlsMaterial = [readFileSync('root.pem'), readFileSync('intermediate.pem')];
 * ```
 */
export type TlsMaterial = string | Buffer | readonly (string | Buffer)[];

/**
 * TLS settings of a client's HTTPS connections (also through proxies). Verification is on unless
 * `rejectUnauthorized: false`, which logs one warning per client.
 *
 * @example
 * ```ts
 * createClient({ baseURL, tls: { ca: readFileSync('ca.pem'), cert, key, minVersion: 'TLSv1.3' } });
 * ```
 */
export interface TlsOptions {
  /** Certificate authorities to trust instead of Node's bundle (PEM). Default: Node's bundle. */
  readonly ca?: TlsMaterial;
  /** Client certificate chain for mutual TLS (PEM). Default: none. */
  readonly cert?: TlsMaterial;
  /** Private key of `cert` (PEM). Default: none. */
  readonly key?: TlsMaterial;
  /** PKCS#12 bundle with key and certificate, instead of `cert` and `key`. Default: none. */
  readonly pfx?: TlsMaterial;
  /** Passphrase of `key` or `pfx`. Default: none. */
  readonly passphrase?: string;
  /** Lowest TLS version accepted. Default: Node's (`'TLSv1.2'`). */
  readonly minVersion?: SecureVersion;
  /** Highest TLS version offered. Default: Node's (`'TLSv1.3'`). */
  readonly maxVersion?: SecureVersion;
  /** `false` accepts any certificate: for tests only; logs a warning. Default `true`. */
  readonly rejectUnauthorized?: boolean;
  /** SNI server name and the name the certificate is checked against. Default: the URL's host. */
  readonly servername?: string;
}

/** What the agents get from `tls`. */
export type ResolvedTls = Readonly<Record<string, unknown>> & { readonly rejectUnauthorized: boolean };

const VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const MATERIAL_KEYS = ['ca', 'cert', 'key', 'pfx'] as const;
// Names other clients use for the same settings (Python's requests/httpx, got).
const TLS_ALIASES: ReadonlyMap<string, string> = new Map([
  ['verify', 'rejectUnauthorized'],
  ['verifyssl', 'rejectUnauthorized'],
  ['rejectunauthorised', 'rejectUnauthorized'],
  ['certificate', 'cert'],
  ['certificateauthority', 'ca'],
  ['minimumversion', 'minVersion'],
]);
const TLS_KEYS = [...MATERIAL_KEYS, 'passphrase', 'minVersion', 'maxVersion', 'rejectUnauthorized', 'servername'];

/**
 * Checks `tls` and returns the options for the client's HTTPS agents, or `undefined` when unset.
 *
 * @example
 * ```ts
 * resolveTlsOptions({ minVersion: 'TLSv1.3' }); // { minVersion: 'TLSv1.3', rejectUnauthorized: true }
 * ```
 */
export function resolveTlsOptions(value: unknown): ResolvedTls | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      `Invalid tls: expected an object { ca, cert, key, pfx, passphrase, minVersion, rejectUnauthorized }; got ${describeValue(value)}`,
      { option: 'tls' },
    );
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!TLS_KEYS.includes(key)) {
      const near = suggestOption(key, TLS_KEYS, TLS_ALIASES);
      throw new ConfigurationError(
        `Unknown option tls.${key}: ${near ? `did you mean "tls.${near}"?` : `expected one of ${TLS_KEYS.join(', ')}`}`,
        { option: `tls.${key}` },
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of MATERIAL_KEYS) {
    const item = v[key];
    if (item === undefined) continue;
    const list = Array.isArray(item) ? item : [item];
    if (list.length === 0 || !list.every((x) => typeof x === 'string' || Buffer.isBuffer(x))) {
      // The value may be a key: only its type is shown.
      throw new ConfigurationError(`Invalid tls.${key}: expected PEM text, a Buffer, or a list of them`, {
        option: `tls.${key}`,
      });
    }
    out[key] = item;
  }
  if (v.passphrase !== undefined && typeof v.passphrase !== 'string') {
    throw new ConfigurationError('Invalid tls.passphrase: expected a string', { option: 'tls.passphrase' });
  }
  if (v.passphrase !== undefined) out.passphrase = v.passphrase;
  for (const key of ['minVersion', 'maxVersion'] as const) {
    if (v[key] === undefined) continue;
    if (!VERSIONS.includes(v[key] as SecureVersion)) {
      throw new ConfigurationError(
        `Invalid tls.${key}: expected one of ${VERSIONS.map((x) => `"${x}"`).join(', ')}; got ${describeValue(v[key])}`,
        { option: `tls.${key}` },
      );
    }
    out[key] = v[key];
  }
  if (v.servername !== undefined) {
    if (typeof v.servername !== 'string' || v.servername === '') {
      throw new ConfigurationError(`Invalid tls.servername: expected a host name; got ${describeValue(v.servername)}`, {
        option: 'tls.servername',
      });
    }
    out.servername = v.servername;
  }
  if (v.rejectUnauthorized !== undefined && typeof v.rejectUnauthorized !== 'boolean') {
    throw new ConfigurationError(
      `Invalid tls.rejectUnauthorized: expected true or false; got ${describeValue(v.rejectUnauthorized)}`,
      { option: 'tls.rejectUnauthorized' },
    );
  }
  return Object.freeze({ ...out, rejectUnauthorized: v.rejectUnauthorized !== false });
}
