import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { type ResolvedAuth, resolveAuth } from './auth-options';
import { requestUrl } from './client-error';
import type { CredentialScope } from './credential-scope';
import { isAuthenticationError } from './guards';
import { AuthenticationError, type HTTPError } from './http-error';
import type { CallLayer, ConfigStep, NextAdapter } from './plugin';
import { isSensitiveHeader } from './redact';

/** What the credentials step decided for one attempt, read by the redirect and refresh layers. */
export interface SentCredentials {
  /** The origin the request's credentials are bound to. */
  readonly home: string | undefined;
  /** Whether the attempt's first URL may carry credentials. */
  readonly allowed: boolean;
  /** Headers the step set (name as sent, value), to put back on hops to trusted origins. */
  readonly headers: readonly (readonly [string, string])[];
  /** The refresh generation the credentials came from (`undefined`: not refreshable). */
  readonly generation: number | undefined;
}

/** The per-request `auth` as resolved once per logical request (`false`: none). */
const AUTH = Symbol('axle.auth');
/** The axios defaults of the client that sent the request (for its default credential headers). */
const DEFAULTS = Symbol('axle.defaults');
/** What the credentials step sent on this attempt. */
export const SENT = Symbol('axle.sentCredentials');

type Marked = InternalAxiosRequestConfig & {
  [AUTH]?: ResolvedAuth | false;
  [DEFAULTS]?: { headers?: unknown };
  [SENT]?: SentCredentials;
};

/** Refresh state of one auth value: the current token and the refresh in flight. */
interface RefreshState {
  generation: number;
  token: string | undefined;
  inflight: Promise<void> | undefined;
}

/** The credentials part of a client's pipeline. */
export interface ClientAuth {
  /** Once per logical request: takes the request's `auth` (checked) off the config. */
  prepare(config: InternalAxiosRequestConfig, defaults: { headers?: unknown }): void;
  /** Config step at the credentials position: attaches credentials when the URL may have them. */
  readonly step: ConfigStep;
  /** Call layer at the credentials position: a 401 → one refresh for all → one replay. */
  readonly layer: CallLayer;
  /** Whether the step must run on every request (the client has `auth`). */
  readonly needsStep: boolean;
}

/**
 * Builds the credentials step and the refresh layer of one client from its checked `auth`.
 *
 * @example
 * ```ts
 * const auth = createClientAuth(resolveAuth(options.auth, 'auth', false), scope);
 * ```
 */
export function createClientAuth(clientAuth: ResolvedAuth | undefined, scope: CredentialScope): ClientAuth {
  // Per auth value, so per-request values refresh on their own; weak, so they go with the value.
  const states = new WeakMap<object, RefreshState>();
  const stateOf = (source: object): RefreshState => {
    let state = states.get(source);
    if (!state) {
      state = { generation: 0, token: undefined, inflight: undefined };
      states.set(source, state);
    }
    return state;
  };

  const apply = async (
    config: InternalAxiosRequestConfig,
    auth: ResolvedAuth,
    sent: [string, string][],
  ): Promise<{ config: InternalAxiosRequestConfig; generation: number | undefined }> => {
    switch (auth.kind) {
      case 'basic':
        config.headers.set('Authorization', auth.header);
        sent.push(['Authorization', auth.header]);
        return { config, generation: undefined };
      case 'bearer': {
        const state = stateOf(auth.source);
        const generation = state.generation;
        const token =
          state.token ?? (typeof auth.source.token === 'function' ? await auth.source.token() : auth.source.token);
        const header = `Bearer ${token}`;
        config.headers.set('Authorization', header);
        sent.push(['Authorization', header]);
        return { config, generation: auth.source.refresh ? generation : undefined };
      }
      case 'apiKey': {
        const { name, value } = auth.source;
        addRedactRule(config, name);
        if (auth.in === 'header') {
          config.headers.set(name, value);
          sent.push([name, value]);
        } else {
          config.params = withParam(config.params, name, value);
        }
        return { config, generation: undefined };
      }
      default: {
        const state = stateOf(auth.source);
        const generation = state.generation;
        const before = AxiosHeaders.from(config.headers).toJSON();
        const next = ((await auth.apply(config)) as InternalAxiosRequestConfig | undefined) ?? config;
        // Headers the handler set are its credentials: they follow the same origin rules.
        for (const [name, value] of Object.entries(AxiosHeaders.from(next.headers).toJSON())) {
          if (typeof value === 'string' && before[name] !== value) sent.push([name, value]);
        }
        return {
          config: next,
          generation: typeof auth.source === 'object' && auth.source.refresh ? generation : undefined,
        };
      }
    }
  };

  const step: ConfigStep = async (raw) => {
    const config = raw as Marked;
    const url = requestUrl(config);
    const home = scope.home(url);
    const allowed = scope.allows(url, home);
    const auth = config[AUTH] === undefined ? clientAuth : config[AUTH];
    if (!allowed || !auth) {
      config[SENT] = { home, allowed, headers: [], generation: undefined };
      return config;
    }
    const sent: [string, string][] = [];
    const result = await apply(config, auth, sent);
    (result.config as Marked)[SENT] = { home, allowed, headers: sent, generation: result.generation };
    return result.config;
  };

  const refresh = (auth: ResolvedAuth, generation: number): Promise<void> => {
    const source = auth.source as object;
    const state = stateOf(source);
    // Someone refreshed after these credentials were read: their result serves this request too.
    if (state.generation !== generation) return Promise.resolve();
    state.inflight ??= (async () => {
      try {
        if (auth.kind === 'bearer') {
          const token = await (auth.source.refresh as () => string | Promise<string>)();
          if (typeof token !== 'string' || token === '') {
            throw new TypeError('auth.refresh must return the new token, a non-empty string');
          }
          state.token = token;
        } else if (auth.kind === 'custom' && typeof auth.source === 'object') {
          await auth.source.refresh?.();
        }
        state.generation += 1;
      } finally {
        state.inflight = undefined;
      }
    })();
    return state.inflight;
  };

  const layer: CallLayer = (raw, next: NextAdapter) => {
    const config = raw as Marked;
    // No config step ran (the client has no config phase of its own): a request's own `auth` is
    // attached here, still before middleware and every other layer.
    if (config[SENT] === undefined && config[AUTH]) {
      return Promise.resolve(step(config)).then((applied) => guarded(applied ?? config, next));
    }
    return guarded(config, next);
  };

  const guarded = (raw: InternalAxiosRequestConfig, next: NextAdapter): Promise<AxiosResponse> => {
    const config = raw as Marked;
    const sent = config[SENT];
    const auth = config[AUTH] === undefined ? clientAuth : config[AUTH];
    if (!sent || sent.generation === undefined || !auth) return next(config);
    return refreshing(config, auth, sent, next);
  };

  const refreshing = async (
    config: Marked,
    auth: ResolvedAuth,
    sent: SentCredentials,
    next: NextAdapter,
  ): Promise<AxiosResponse> => {
    let rejected: AxiosResponse;
    try {
      const response = await next(config);
      if (response.status !== 401) return response;
      rejected = response;
    } catch (error) {
      if (!isAuthenticationError(error)) throw error;
      rejected = (error as HTTPError).response;
    }
    try {
      await refresh(auth, sent.generation as number);
    } catch (cause) {
      throw new AuthenticationError('Refreshing the credentials after a 401 failed', {
        config,
        response: rejected,
        cause,
      });
    }
    // The replay is sent once; a second 401 is the caller's to see.
    const replaySent: [string, string][] = [];
    const replay = await apply(config, auth, replaySent);
    (replay.config as Marked)[SENT] = { ...sent, headers: replaySent, generation: undefined };
    return next(replay.config);
  };

  const prepare = (raw: InternalAxiosRequestConfig, defaults: { headers?: unknown }): void => {
    const config = raw as Marked;
    config[DEFAULTS] = defaults;
    // Once per request: the client's default credential headers never go to another origin.
    const url = requestUrl(config);
    if (!scope.allows(url, scope.home(url))) stripDefaultCredentials(config);
    if (config[AUTH] !== undefined) return;
    const value = (config as { auth?: unknown }).auth;
    if (value === undefined) return;
    // Axios would send `auth` itself (as Basic, on every redirect hop); axle takes it over. `false`
    // stays, so credentials plugins (their per-request key is `auth`) skip the request too.
    (config as { auth?: unknown }).auth = value === false ? false : undefined;
    config[AUTH] = resolveAuth(value, 'auth', true) ?? clientAuth ?? false;
  };

  return { prepare, step, layer, needsStep: clientAuth !== undefined };
}

/**
 * Removes credential headers that came from the client's defaults (the axios CVE-2025-27152
 * pattern: an absolute URL on another origin receives the client's `Authorization`).
 * Headers set on the request itself are the caller's explicit choice and stay.
 */
function stripDefaultCredentials(config: Marked): void {
  const defaults = (config[DEFAULTS]?.headers ?? {}) as Record<string, unknown>;
  const method = (config.method ?? 'get').toLowerCase();
  const layers = [defaults, defaults.common, defaults[method]];
  for (const layer of layers) {
    if (layer === null || typeof layer !== 'object') continue;
    for (const [name, value] of Object.entries(AxiosHeaders.from(layer as Record<string, string>).toJSON())) {
      if (typeof value !== 'string' || !isCredentialHeader(name, config)) continue;
      if (config.headers.get(name) === value) config.headers.delete(name);
    }
  }
}

function isCredentialHeader(name: string, config: InternalAxiosRequestConfig): boolean {
  const rules = (config as { redact?: unknown }).redact;
  return isSensitiveHeader(name, Array.isArray(rules) ? (rules as string[]) : undefined);
}

/** Adds `name` to the request's redaction rules, so a user-named API key is redacted too. */
function addRedactRule(config: InternalAxiosRequestConfig, name: string): void {
  const current = (config as { redact?: unknown }).redact;
  const list = Array.isArray(current) ? (current as string[]) : [];
  if (!list.includes(name)) (config as { redact?: unknown }).redact = [...list, name];
}

function withParam(params: unknown, name: string, value: string): unknown {
  if (params instanceof URLSearchParams) {
    const copy = new URLSearchParams(params);
    copy.set(name, value);
    return copy;
  }
  return { ...(params !== null && typeof params === 'object' ? params : {}), [name]: value };
}
