import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AxleConfig } from './axle-instance';
import { ConfigurationError } from './configuration-error';
import { resolveProxyOption } from './proxy-options';

/**
 * Where {@link fromEnv} reads: `process.env` (the default) or any object of strings.
 *
 * @example
 * ```ts
 * const env: EnvSource = { AXLE_BASE_URL: 'https://api.example.com' };
 * ```
 */
export type EnvSource = Readonly<Record<string, string | undefined>>;

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'expected an absolute http:// or https:// URL');
const wholeNumber = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .refine((n) => n <= max, `expected at most ${max}`);
const secret = z.string().min(1, 'expected a non-empty value');

// Variable suffix → its check; each failure names the full variable.
const SCHEMAS = {
  BASE_URL: httpUrl,
  TIMEOUT: wholeNumber(86_400_000),
  API_KEY: secret,
  API_KEY_HEADER: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected a header name'),
  BEARER_TOKEN: secret,
  PROXY: z.string().trim().min(1, 'expected a proxy URL'),
  CA_FILE: z.string().trim().min(1, 'expected a file path'),
  RETRIES: wholeNumber(100),
} as const;
type Name = keyof typeof SCHEMAS;
const SECRETS: ReadonlySet<Name> = new Set(['API_KEY', 'BEARER_TOKEN', 'PROXY']);

/**
 * Client options from environment variables, checked with zod:
 *
 * | variable | option |
 * | --- | --- |
 * | `AXLE_BASE_URL` | `baseURL` |
 * | `AXLE_TIMEOUT` | `timeout` (ms, axios's number form) |
 * | `AXLE_API_KEY` (+ `AXLE_API_KEY_HEADER`, default `X-Api-Key`) | `auth: { type: 'apiKey', ... }` |
 * | `AXLE_BEARER_TOKEN` | `auth: { type: 'bearer', token }` |
 * | `AXLE_PROXY` | `proxy` |
 * | `AXLE_CA_FILE` | `tls.ca` (the file's content) |
 * | `AXLE_RETRIES` | `retry.retries` |
 *
 * Unset or empty variables are left out. An invalid value throws a `ConfigurationError` naming
 * the variable (secrets are never shown). Spread the result under your own options, so the
 * precedence is: per request > client options > environment > defaults.
 *
 * @param prefix - what every variable name starts with. Default `'AXLE_'`.
 * @param env - where to read. Default `process.env`.
 * @example
 * ```ts
 * const api = createClient({ ...fromEnv(), headers: { Accept: 'application/json' } });
 * ```
 */
export function fromEnv(prefix = 'AXLE_', env: EnvSource = process.env): AxleConfig {
  const read = <N extends Name>(name: N): z.output<(typeof SCHEMAS)[N]> | undefined => {
    const raw = env[`${prefix}${name}`];
    if (raw === undefined || raw === '') return undefined;
    const result = SCHEMAS[name].safeParse(raw);
    if (!result.success) {
      const reason = result.error.issues[0]?.message ?? 'invalid value';
      const shown = SECRETS.has(name) ? '' : ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)})`;
      throw new ConfigurationError(`Invalid environment variable ${prefix}${name}: ${reason}${shown}`, {
        option: `${prefix}${name}`,
      });
    }
    return result.data as z.output<(typeof SCHEMAS)[N]>;
  };

  const config: Record<string, unknown> = {};
  const baseURL = read('BASE_URL');
  if (baseURL !== undefined) config.baseURL = baseURL;
  const timeout = read('TIMEOUT');
  if (timeout !== undefined) config.timeout = timeout;
  const apiKey = read('API_KEY');
  const bearer = read('BEARER_TOKEN');
  if (apiKey !== undefined && bearer !== undefined) {
    throw new ConfigurationError(`Set only one of ${prefix}API_KEY and ${prefix}BEARER_TOKEN`, {
      option: `${prefix}BEARER_TOKEN`,
    });
  }
  if (apiKey !== undefined) {
    config.auth = { type: 'apiKey', name: read('API_KEY_HEADER') ?? 'X-Api-Key', value: apiKey, in: 'header' };
  }
  if (bearer !== undefined) config.auth = { type: 'bearer', token: bearer };
  const proxy = read('PROXY');
  if (proxy !== undefined) {
    try {
      config.proxy = resolveProxyOption(proxy, `${prefix}PROXY`);
    } catch (cause) {
      throw new ConfigurationError(
        `Invalid environment variable ${prefix}PROXY: expected an http://, https:// or socks5:// URL`,
        { option: `${prefix}PROXY`, cause },
      );
    }
  }
  const caFile = read('CA_FILE');
  if (caFile !== undefined) {
    try {
      config.tls = { ca: readFileSync(caFile, 'utf8') };
    } catch (cause) {
      throw new ConfigurationError(
        `Invalid environment variable ${prefix}CA_FILE: cannot read ${JSON.stringify(caFile)} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
        { option: `${prefix}CA_FILE`, cause },
      );
    }
  }
  const retries = read('RETRIES');
  if (retries !== undefined) config.retry = { retries };
  return config as AxleConfig;
}
