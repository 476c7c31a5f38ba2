import { Readable, Transform } from 'node:stream';
import {
  type AxleEvents,
  type CallLayer,
  ConfigurationError,
  createHTTPError,
  isHTTPError,
  redactUrl,
  requestUrl,
  responseText,
} from '@axle/core';
import axios, { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import CachePolicy from 'http-cache-semantics';
import type { CacheMode } from './augment';
import { cacheKey, credentialOf } from './cache-key';
import type { CachedVariant, CacheRecord } from './cache-store';
import type { ResolvedCacheOptions, ResolvedCacheRule } from './options';
import { headerList, plainHeaders, varyValue } from './plain-headers';
import type { StoreGuard } from './store-guard';

const MODES: ReadonlySet<string> = new Set([
  'default',
  'no-cache',
  'only-if-cached',
  'no-store',
  'reload',
  'force-cache',
]);
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
// Kept past freshness so a stale response with a validator can be revalidated (or served by
// `only-if-cached`, `stale-if-error`) instead of fetched again in full.
const KEEP_STALE_MS = 24 * 3600 * 1000;
const MAX_VARIANTS = 8;
// The `vary` of a response without `Vary`: one shared object instead of one per stored response.
const NO_VARY: Readonly<Record<string, string>> = Object.freeze({});
// The statuses http-cache-semantics stores (RFC 9110's cacheable-by-default ones and redirects).
const UNDERSTOOD = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);
// RFC 9111 3.2: a 304 must not change what describes the stored body (nor the validator it matched).
const NOT_UPDATED = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'content-range',
  'content-md5',
  'etag',
]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade']);
// Statuses for which `stale-if-error` may answer (RFC 5861 4).
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

/** Counters behind `cache.stats()`. */
export interface CacheCounters {
  hits: number;
  misses: number;
  revalidations: number;
  coalesced: number;
}

/** What one network response looks like to coalesced callers: enough to build their own copy. */
interface Snapshot {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
  /** Vary'd request header values of the request that fetched it; `undefined` without `Vary`. */
  readonly vary: Record<string, string> | undefined;
  /** The typed error the leader got, when the status was rejected or the request failed. */
  readonly error?: unknown;
}

/** One request's view, computed once. */
interface Lookup {
  readonly config: InternalAxiosRequestConfig;
  readonly method: string;
  readonly url: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly policyRequest: CachePolicy.HttpRequest;
  readonly rule: ResolvedCacheRule | undefined;
  readonly mode: CacheMode;
}

/** What the layer needs from the plugin. */
export interface LayerContext {
  readonly options: ResolvedCacheOptions;
  readonly events: AxleEvents;
  readonly guard: StoreGuard;
  readonly counters: CacheCounters;
  /** Remembers which keys hold a URL, so `invalidate(url)` finds other users' records too. */
  remember(url: string, key: string): void;
  /** Deletes every record of `url` (every method, every credential this process has seen). */
  invalidate(url: string, credential: string): Promise<void>;
  /** Background revalidations in flight, awaited by `close()`. */
  readonly background: Set<Promise<unknown>>;
}

/**
 * The cache's call-phase layer: answers from the store without calling `next` when RFC 9111
 * allows it, revalidates with conditional requests, stores what may be stored, invalidates on
 * unsafe methods, and joins identical requests in flight.
 */
export function createCacheLayer(ctx: LayerContext): CallLayer {
  const { options, events, guard, counters } = ctx;
  const inflight = new Map<string, Promise<SharedSnapshot>>();

  const miss = (lookup: Pick<Lookup, 'config' | 'method' | 'url'>, reason: 'absent' | 'stale' | 'bypass') => {
    counters.misses += 1;
    if (events.listenerCount('cache:miss') > 0) {
      events.emit('cache:miss', { method: lookup.method, url: redactUrl(lookup.url), reason, config: lookup.config });
    }
  };

  const hit = (lookup: Lookup, variant: CachedVariant, stale: boolean, headOnly: boolean): AxiosResponse => {
    counters.hits += 1;
    const age = Math.max(0, Math.floor(variant.policy.age()));
    if (events.listenerCount('cache:hit') > 0) {
      events.emit('cache:hit', {
        method: lookup.method,
        url: redactUrl(lookup.url),
        age,
        stale,
        config: lookup.config,
      });
    }
    const response = respond(lookup.config, variant, headOnly ? undefined : variant.body, age);
    return settle(response);
  };

  const layer: CallLayer = async (config, next) => {
    const mode = config.cache ?? 'default';
    if (typeof mode !== 'string' || !MODES.has(mode)) {
      throw new ConfigurationError(
        `cache per request must be false or one of ${[...MODES].map((m) => `'${m}'`).join(', ')}; got ${String(mode)}`,
        { option: 'cache', config },
      );
    }
    const method = (config.method ?? 'get').toUpperCase();
    if (!SAFE_METHODS.has(method)) return unsafe(config, next);
    // As the Fetch standard does, so caches on the way behave as this one (RFC 9111 5.2.1).
    if (
      mode !== 'default' &&
      mode !== 'force-cache' &&
      mode !== 'only-if-cached' &&
      !config.headers.has('cache-control')
    ) {
      if (mode === 'no-cache') config.headers.set('Cache-Control', 'max-age=0');
      else {
        config.headers.set('Cache-Control', 'no-cache');
        if (!config.headers.has('pragma')) config.headers.set('Pragma', 'no-cache');
      }
    }
    const url = requestUrl(config) ?? '';
    // Methods the cache does not store are no lookups: neither hits nor misses.
    if (!options.methods.has(method)) return next(config).then(notCached);
    if (mode === 'no-store') {
      miss({ config, method, url }, 'bypass');
      return next(config).then(notCached);
    }
    const headers = plainHeaders(config.headers);
    const credential = credentialOf(config, headers);
    const rule = options.rules.length > 0 ? options.rules.find((r) => r.test(url)) : undefined;
    const streamed = config.responseType === 'stream';
    if (rule?.ttl === 0 || (credential !== '' && options.shared) || (streamed && !options.cacheStreams)) {
      miss({ config, method, url }, 'bypass');
      return next(config).then(notCached);
    }
    const key = cacheKey(method, url, credential);
    const lookup: Lookup = {
      config,
      method,
      url,
      key,
      headers,
      policyRequest: { url, method, headers: policyHeaders(headers) },
      rule,
      mode,
    };
    if (credential !== '') ctx.remember(url, key);

    const record = mode === 'reload' ? undefined : await guard.get(key);
    let variant = record && selectVariant(record, headers);
    const headOnly = method === 'HEAD';
    let fromGet = false;
    if (variant === undefined && headOnly && mode !== 'reload' && options.methods.has('GET')) {
      // A stored GET response answers a HEAD request (RFC 9110 9.3.2), without its body.
      const getRecord = await guard.get(cacheKey('GET', url, credential));
      variant = getRecord && selectVariant(getRecord, headers);
      fromGet = variant !== undefined;
    }

    if (variant !== undefined) {
      if (mode === 'force-cache' || mode === 'only-if-cached')
        return hit(lookup, variant, variant.policy.stale(), headOnly);
      // `immutable`: the response will not change while fresh, so a reload need not ask (as browsers do).
      if (
        mode === 'no-cache' &&
        /\bimmutable\b/i.test(variant.headers['cache-control'] ?? '') &&
        !variant.policy.stale()
      ) {
        return hit(lookup, variant, false, headOnly);
      }
      // The common case, decided without evaluateRequest() (which also rebuilds the response
      // headers): no request directives, and a fresh response (its Vary matched in selectVariant).
      if (mode === 'default' && headers['cache-control'] === undefined && headers.pragma === undefined) {
        if (!variant.policy.stale()) return hit(lookup, variant, false, headOnly);
      }
      if (mode !== 'no-cache') {
        // A GET response read for a HEAD request is judged as for a GET.
        const evaluation = evaluate(
          variant,
          fromGet ? { ...lookup.policyRequest, method: 'GET' } : lookup.policyRequest,
        );
        if (evaluation.revalidation === undefined) return hit(lookup, variant, false, headOnly);
        if (!evaluation.revalidation.synchronous && evaluation.response !== undefined && !fromGet) {
          const response = hit(lookup, variant, true, headOnly);
          backgroundRevalidation(lookup, record as CacheRecord, variant, next);
          return response;
        }
      }
      miss(lookup, 'stale');
      // A stale GET response is not revalidated by a HEAD request: the HEAD is sent as it is.
      if (fromGet) return fetchAndStore(lookup, record, next);
      return revalidate(lookup, record as CacheRecord, variant, next, false);
    }
    if (mode === 'only-if-cached') {
      miss(lookup, 'absent');
      return settle(gatewayTimeout(config));
    }
    miss(lookup, 'absent');
    return fetchAndStore(lookup, record, next);
  };

  /** POST, PUT, PATCH, DELETE and other unsafe methods: sent, then the URLs they change are dropped. */
  const unsafe = async (
    config: InternalAxiosRequestConfig,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
  ): Promise<AxiosResponse> => {
    const url = requestUrl(config) ?? '';
    let response: AxiosResponse | undefined;
    try {
      response = await next(config);
      return notCached(response);
    } catch (error) {
      if (isHTTPError(error)) response = error.response;
      throw error;
    } finally {
      // RFC 9111 4.4: only a non-error response invalidates.
      if (response !== undefined && response.status < 400) {
        const credential = credentialOf(config, plainHeaders(config.headers));
        const targets = [url];
        const responseHeaders = plainHeaders(response.headers);
        for (const name of ['location', 'content-location']) {
          const value = responseHeaders[name];
          const target = value === undefined ? undefined : sameOrigin(url, value);
          if (target !== undefined && target !== url) targets.push(target);
        }
        await Promise.all(targets.map((target) => ctx.invalidate(target, credential)));
      }
    }
  };

  const backgroundRevalidation = (
    lookup: Lookup,
    record: CacheRecord,
    variant: CachedVariant,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
  ): void => {
    if (inflight.has(lookup.key)) return;
    const done = revalidate(lookup, record, variant, next, true).then(
      () => undefined,
      () => undefined,
    );
    ctx.background.add(done);
    void done.finally(() => ctx.background.delete(done));
  };

  /** Sends a conditional request for a stored variant; a 304 refreshes it, anything else replaces it. */
  const revalidate = (
    lookup: Lookup,
    record: CacheRecord,
    variant: CachedVariant,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
    background: boolean,
  ): Promise<AxiosResponse> => {
    const conditional: InternalAxiosRequestConfig = {
      ...lookup.config,
      headers: new AxiosHeaders(lookup.config.headers),
    };
    const validators = variant.policy.revalidationHeaders(lookup.policyRequest);
    for (const name of ['if-none-match', 'if-modified-since'] as const) {
      const value = validators[name];
      if (typeof value === 'string' && !conditional.headers.has(name)) conditional.headers.set(name, value);
    }
    if (background) conditional.signal = undefined;
    return shared(lookup, async () => {
      counters.revalidations += 1;
      let outcome: { response: AxiosResponse; error?: unknown };
      try {
        outcome = { response: await next(conditional) };
      } catch (error) {
        if (!isHTTPError(error)) {
          if (!axios.isCancel(error) && staleIfError(variant)) return fromVariant(variant, lookup);
          throw error;
        }
        outcome = { response: error.response, error };
      }
      const { response } = outcome;
      if (response.status === 304) {
        // The 304 answers the condition sent for this variant, so it validates it (RFC 9111
        // 4.3.3); its headers replace the stored ones (4.3.4), and freshness starts again from it.
        // (http-cache-semantics' revalidatedPolicy() refuses a 304 whose ETag differs.)
        const responseHeaders = plainHeaders(response.headers);
        const headers = { ...variant.headers };
        delete headers.age;
        for (const name in responseHeaders) {
          if (!NOT_UPDATED.has(name) && !HOP_BY_HOP.has(name)) headers[name] = responseHeaders[name] as string;
        }
        const policy = policyFor(lookup, variant.status, headers);
        const updated: CachedVariant = { ...variant, headers, policy: policy ?? variant.policy };
        emitRevalidated(lookup, false, background);
        if (policy !== undefined) await store(lookup, record, updated, policy);
        return fromVariant(updated, lookup);
      }
      emitRevalidated(lookup, true, background);
      if (ERROR_STATUSES.has(response.status) && staleIfError(variant)) return fromVariant(variant, lookup);
      return fromNetwork(lookup, record, outcome);
    }).then((snapshot) => (background ? emptyResponse(lookup.config) : deliver(lookup, snapshot)));
  };

  const emitRevalidated = (lookup: Lookup, modified: boolean, background: boolean) => {
    if (events.listenerCount('cache:revalidated') > 0) {
      events.emit('cache:revalidated', { method: lookup.method, url: redactUrl(lookup.url), modified, background });
    }
  };

  /** A miss: one network request (shared by identical requests in flight), stored if it may be. */
  const fetchAndStore = (
    lookup: Lookup,
    record: CacheRecord | undefined,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
  ): Promise<AxiosResponse> => {
    if (lookup.config.responseType === 'stream') return streamed(lookup, record, next);
    let own: { response: AxiosResponse; error?: unknown } | undefined;
    return shared(lookup, async () => {
      own = await call(lookup.config, next);
      return fromNetwork(lookup, record, own);
    }).then((snapshot) => {
      // The caller that made the request gets axios's own response (with `request`).
      if (own !== undefined && snapshot.cachedFrom === undefined) {
        if (own.error !== undefined) throw own.error;
        own.response.cached = false;
        return own.response;
      }
      return deliver(lookup, snapshot);
    });
  };

  /**
   * Runs `work` once per key at a time: identical requests that arrive while it runs wait for
   * it and build their own response from its snapshot. A caller whose `Vary`'d headers differ
   * from the leader's sends its own request.
   */
  const shared = (lookup: Lookup, work: () => Promise<SharedSnapshot>): Promise<SharedSnapshot> => {
    if (!options.coalesce || lookup.config.data !== undefined) return work();
    const running = inflight.get(lookup.key);
    if (running !== undefined) {
      counters.coalesced += 1;
      return running.then(
        (snapshot) => (varyMatches(snapshot, lookup.headers) ? { ...snapshot, cachedFrom: 'coalesced' } : work()),
        (error: unknown) => {
          // A cancelled leader cancels only itself.
          if (axios.isCancel(error)) return work();
          throw error;
        },
      );
    }
    const promise = work();
    inflight.set(lookup.key, promise);
    const clear = () => {
      if (inflight.get(lookup.key) === promise) inflight.delete(lookup.key);
    };
    promise.then(clear, clear);
    return promise;
  };

  /** Stores a network response when RFC 9111 (and the rules) allow it; returns its snapshot. */
  const fromNetwork = async (
    lookup: Lookup,
    record: CacheRecord | undefined,
    outcome: { response: AxiosResponse; error?: unknown },
  ): Promise<SharedSnapshot> => {
    const { response, error } = outcome;
    const responseHeaders = plainHeaders(response.headers);
    const raw = rawBody(response);
    const body = raw === STREAM ? undefined : raw;
    const varyNames = headerList(responseHeaders.vary);
    const vary = varyNames.length > 0 ? pick(lookup.headers, varyNames) : undefined;
    const snapshot: SharedSnapshot = {
      status: response.status,
      statusText: response.statusText,
      headers: responseHeaders,
      body,
      vary,
      error,
    };
    if (raw === STREAM || redirected(response)) return snapshot;
    // One object serves the policy and the stored variant (the policy ignores hop-by-hop fields).
    const kept = stripHopByHop(responseHeaders, false);
    const policy = policyFor(lookup, response.status, withAgeLines(response, kept));
    if (policy !== undefined && !varyNames.includes('*')) {
      const variant: CachedVariant = {
        status: response.status,
        statusText: response.statusText,
        headers: options.shared && kept['set-cookie'] !== undefined ? stripHopByHop(kept, true) : kept,
        body:
          lookup.method === 'HEAD'
            ? undefined
            : typeof body === 'string' || body === undefined
              ? body
              : Buffer.from(body),
        policy,
        vary: vary ?? NO_VARY,
      };
      await store(lookup, record, variant, policy);
    }
    return snapshot;
  };

  const policyFor = (lookup: Lookup, status: number, headers: Record<string, string>): CachePolicy | undefined => {
    const effective = effectiveHeaders(lookup, headers, status);
    const explicit = hasExplicitFreshness(effective, options.shared);
    if (!options.cacheableStatusCodes.has(status) && !explicit) return undefined;
    const cc = effective['cache-control'] ?? '';
    if (!UNDERSTOOD.has(status) && /(^|,)\s*must-understand\b/.test(cc)) return undefined;
    // RFC 9111 3: any final status may be stored when its freshness is explicit; http-cache-semantics
    // stores only those it lists, so the others are judged as a 200 (their freshness rules are the same).
    const judgedAs = UNDERSTOOD.has(status) || status < 200 || status === 206 || status === 304 ? status : 200;
    const policy = new CachePolicy(
      lookup.policyRequest,
      { status: judgedAs, headers: effective },
      {
        shared: options.shared,
        immutableMinTimeToLive: 24 * 3600 * 1000,
      },
    );
    return policy.storable() ? policy : undefined;
  };

  /** The headers the policy sees: the server's, or those a rule or `defaultTtl` imposes. */
  const effectiveHeaders = (
    lookup: Lookup,
    received: Record<string, string>,
    status: number,
  ): Record<string, string> => {
    const headers = normalised(received);
    const rule = lookup.rule;
    if (rule?.override) {
      const out: Record<string, string> = { ...headers, 'cache-control': `max-age=${Math.floor(rule.ttl / 1000)}` };
      delete out.expires;
      delete out.pragma;
      return out;
    }
    const ttl = rule?.ttl ?? options.defaultTtl;
    if (ttl === undefined || !options.cacheableStatusCodes.has(status)) return headers;
    if (hasExplicitFreshness(headers, options.shared)) return headers;
    const cc = headers['cache-control'];
    if (cc !== undefined && /(^|,)\s*(no-store|no-cache)\b/.test(cc)) return headers;
    return {
      ...headers,
      'cache-control': cc ? `${cc}, max-age=${Math.floor(ttl / 1000)}` : `max-age=${Math.floor(ttl / 1000)}`,
    };
  };

  const store = async (
    lookup: Lookup,
    record: CacheRecord | undefined,
    variant: CachedVariant,
    policy: CachePolicy,
  ): Promise<void> => {
    const hasValidator = variant.headers.etag !== undefined || variant.headers['last-modified'] !== undefined;
    const ttl = policy.timeToLive() + (hasValidator ? KEEP_STALE_MS : 0);
    if (ttl <= 0) return;
    // Only `reload` skipped the lookup; otherwise `record` is what the store held.
    const current = record ?? (lookup.mode === 'reload' ? await guard.get(lookup.key) : undefined);
    const others = current === undefined ? [] : current.variants.filter((v) => !sameVary(v.vary, variant.vary));
    const next: CacheRecord = {
      method: lookup.method,
      url: lookup.url,
      variants: others.length === 0 ? [variant] : [variant, ...others].slice(0, MAX_VARIANTS),
    };
    await guard.set(lookup.key, next, ttl);
  };

  /** Streams: passed through, and stored once fully read if no larger than `cacheStreams.maxBytes`. */
  const streamed = async (
    lookup: Lookup,
    record: CacheRecord | undefined,
    next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
  ): Promise<AxiosResponse> => {
    // An error status (a redirect's under the default validateStatus, a cached 404) is stored as
    // any other response, and its typed error rethrown with the teed body.
    const { response, error } = await call(lookup.config, next);
    const pass = (): AxiosResponse => {
      if (error !== undefined) throw error;
      return response;
    };
    const source = response.data as Readable;
    const limit = options.cacheStreams?.maxBytes ?? 0;
    const responseHeaders = plainHeaders(response.headers);
    const policy = policyFor(lookup, response.status, withAgeLines(response, responseHeaders));
    response.cached = false;
    if (
      policy === undefined ||
      redirected(response) ||
      headerList(responseHeaders.vary).includes('*') ||
      !(source instanceof Readable)
    ) {
      return pass();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (size <= limit) {
          size += chunk.length;
          if (size <= limit) chunks.push(chunk);
          else chunks.length = 0;
        }
        callback(null, chunk);
      },
      flush(callback) {
        callback();
        if (size > limit) return;
        const varyNames = headerList(responseHeaders.vary);
        const variant: CachedVariant = {
          status: response.status,
          statusText: response.statusText,
          headers: stripHopByHop(responseHeaders, options.shared),
          body: Buffer.concat(chunks),
          policy,
          vary: varyNames.length > 0 ? pick(lookup.headers, varyNames) : {},
        };
        void store(lookup, record, variant, policy);
      },
    });
    source.on('error', (failure) => tee.destroy(failure));
    response.data = source.pipe(tee);
    return pass();
  };

  /** A response built for one caller from a shared snapshot. */
  const deliver = (lookup: Lookup, snapshot: SharedSnapshot): AxiosResponse => {
    if (snapshot.error !== undefined && snapshot.cachedFrom !== 'stale') throw snapshot.error;
    return settle(respondSnapshot(lookup.config, snapshot, snapshot.cachedFrom === 'stale'));
  };

  const fromVariant = (variant: CachedVariant, lookup: Lookup): SharedSnapshot => ({
    status: variant.status,
    statusText: variant.statusText,
    headers: { ...variant.headers, age: String(Math.max(0, Math.floor(variant.policy.age()))) },
    body: lookup.method === 'HEAD' ? undefined : variant.body,
    vary: undefined,
    cachedFrom: 'stale',
  });

  return layer;
}

/** A snapshot, with how a caller got it. */
interface SharedSnapshot extends Snapshot {
  /** `'coalesced'`: from another caller's request; `'stale'`: a stored response. */
  readonly cachedFrom?: 'coalesced' | 'stale';
}

const STREAM = Symbol('stream');

/** Calls the rest of the chain; an HTTP error status is returned with its typed error. */
async function call(
  config: InternalAxiosRequestConfig,
  next: (c: InternalAxiosRequestConfig) => Promise<AxiosResponse>,
): Promise<{ response: AxiosResponse; error?: unknown }> {
  try {
    return { response: await next(config) };
  } catch (error) {
    if (isHTTPError(error)) return { response: error.response, error };
    throw error;
  }
}

/**
 * Whether the response came through redirects. The core follows them above the cache, so each hop
 * is stored under its own URL; a response that says it came through redirects here was followed
 * by something below (an adapter of the caller's), and is the last URL's response, not the asked
 * URL's: stored under the asked URL it would outlive a temporary redirect (`/latest` → 302 → an
 * immutable `/v/123` would answer `/latest` for a year).
 */
function redirected(response: AxiosResponse): boolean {
  return (response.redirects?.length ?? 0) > 0;
}

function rawBody(response: AxiosResponse): string | Uint8Array | undefined | typeof STREAM {
  // The text the core parsed JSON from: stored as it came, and not serialised again.
  const text = responseText(response);
  if (text !== undefined) return text;
  const data: unknown = response.data;
  if (data === undefined || data === null || data === '') return data === '' ? '' : undefined;
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Readable) return STREAM;
  // An adapter that parsed already (a custom one, or a mock): keep it as JSON text.
  return JSON.stringify(data);
}

/** The body in the form the request asked for (`responseType`). */
function bodyFor(config: InternalAxiosRequestConfig, body: string | Uint8Array | undefined): unknown {
  const type = config.responseType;
  if (type === 'stream')
    return Readable.from(body === undefined ? [] : [typeof body === 'string' ? Buffer.from(body) : Buffer.from(body)]);
  if (type === 'arraybuffer') return body === undefined ? Buffer.alloc(0) : Buffer.from(body as Uint8Array);
  if (body === undefined) return '';
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

function respond(
  config: InternalAxiosRequestConfig,
  variant: CachedVariant,
  body: string | Uint8Array | undefined,
  age: number,
): AxiosResponse {
  return {
    data: bodyFor(config, body),
    status: variant.status,
    statusText: variant.statusText,
    // Stored names are lower-case and values strings, as AxiosHeaders keeps them: copied as they
    // are, without set()'s per-name search.
    headers: Object.assign(new AxiosHeaders(), variant.headers, { age: String(age) }),
    config,
    request: undefined,
    cached: true,
    cacheAge: age,
  };
}

function respondSnapshot(config: InternalAxiosRequestConfig, snapshot: Snapshot, cached: boolean): AxiosResponse {
  const response: AxiosResponse = {
    data: bodyFor(config, snapshot.body),
    status: snapshot.status,
    statusText: snapshot.statusText,
    headers: new AxiosHeaders(snapshot.headers),
    config,
    request: undefined,
    cached,
  };
  if (cached) response.cacheAge = Number(snapshot.headers.age ?? 0);
  return response;
}

function notCached(response: AxiosResponse): AxiosResponse {
  response.cached = false;
  return response;
}

/** A response axios would have rejected (by `validateStatus`) becomes the same typed error. */
function settle(response: AxiosResponse): AxiosResponse {
  const validate = response.config.validateStatus;
  if (validate === null || validate === undefined || validate(response.status)) return response;
  throw createHTTPError(response, { config: response.config as InternalAxiosRequestConfig });
}

function gatewayTimeout(config: InternalAxiosRequestConfig): AxiosResponse {
  return {
    data: bodyFor(config, ''),
    status: 504,
    statusText: 'Gateway Timeout (only-if-cached: not in the cache)',
    headers: new AxiosHeaders(),
    config,
    request: undefined,
    cached: false,
  };
}

function emptyResponse(config: InternalAxiosRequestConfig): AxiosResponse {
  return { data: '', status: 0, statusText: '', headers: new AxiosHeaders(), config, request: undefined };
}

/**
 * `evaluateRequest`, except that `must-revalidate` only applies once the response is stale
 * (RFC 9111 5.2.2.2): http-cache-semantics revalidates such a response even while fresh.
 */
function evaluate(variant: CachedVariant, request: CachePolicy.HttpRequest): CachePolicy.EvaluateRequestResult {
  const evaluation = variant.policy.evaluateRequest(request);
  if (evaluation.revalidation === undefined || variant.policy.stale()) return evaluation;
  const state = variant.policy.toObject();
  if (!state.rescc['must-revalidate']) return evaluation;
  const { 'must-revalidate': _dropped, ...rescc } = state.rescc;
  return CachePolicy.fromObject({ ...state, rescc }).evaluateRequest(request);
}

function staleIfError(variant: CachedVariant): boolean {
  if (/(^|,)\s*must-revalidate\b/i.test(variant.headers['cache-control'] ?? '')) return false;
  const match = /(?:^|,)\s*stale-if-error\s*=\s*"?(\d+)/i.exec(variant.headers['cache-control'] ?? '');
  if (match === null) return false;
  return variant.policy.maxAge() + Number(match[1]) > variant.policy.age();
}

/**
 * Node keeps only the first of several `Age` lines; several lines make the Age invalid (RFC 9111
 * 5.1), so the policy is shown an invalid value, which `normalised` turns into "stale".
 */
function withAgeLines(response: AxiosResponse, headers: Record<string, string>): Record<string, string> {
  if (headers.age === undefined) return headers;
  const raw = (response.request as { res?: { rawHeaders?: unknown } } | undefined)?.res?.rawHeaders;
  if (!Array.isArray(raw)) return headers;
  let lines = 0;
  for (let i = 0; i < raw.length; i += 2) if (String(raw[i]).toLowerCase() === 'age') lines += 1;
  return lines > 1 ? { ...headers, age: 'several' } : headers;
}

/**
 * Headers as the policy should read them: directive names are case-insensitive (lower-cased
 * here, which http-cache-semantics does not do), and an invalid `Age` (a list, a sign, a
 * fraction, letters) makes the response stale instead of being ignored.
 */
function normalised(headers: Record<string, string>): Record<string, string> {
  const cc = headers['cache-control'];
  const age = headers.age;
  // One line holds digits, optionally followed by `,` and more (read as its first member, as
  // caches do); `, ` is how several lines read once joined, which is invalid.
  const ageMatch = age === undefined ? null : /^(\d+)(?:,\S*)?$/.exec(age.trim());
  const newAge = age === undefined ? undefined : ageMatch === null ? '2147483648' : ageMatch[1];
  const oddCc = cc !== undefined && cc !== cc.toLowerCase();
  if (newAge === age && !oddCc) return headers;
  const out = { ...headers };
  if (oddCc) out['cache-control'] = (cc as string).toLowerCase();
  if (newAge !== undefined) out.age = newAge;
  return out;
}

function hasExplicitFreshness(headers: Record<string, string>, shared: boolean): boolean {
  const cc = headers['cache-control'] ?? '';
  return (
    headers.expires !== undefined || /(^|,)\s*max-age\s*=/i.test(cc) || (shared && /(^|,)\s*s-maxage\s*=/i.test(cc))
  );
}

/** The request headers the policy keeps: credentials are left out (the key already covers them). */
function policyHeaders(headers: Record<string, string>): Record<string, string> {
  if (
    headers.authorization === undefined &&
    headers.cookie === undefined &&
    headers['proxy-authorization'] === undefined
  ) {
    return headers;
  }
  const out = { ...headers };
  delete out.authorization;
  delete out.cookie;
  delete out['proxy-authorization'];
  return out;
}

/** The headers to store: no hop-by-hop fields, and in a shared cache no `Set-Cookie` (one user's cookie). */
function stripHopByHop(headers: Record<string, string>, shared: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const listed = new Set(headerList(headers.connection));
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed.has(name) || (shared && name === 'set-cookie')) continue;
    out[name] = headers[name] as string;
  }
  return out;
}

function pick(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = varyValue(name, headers[name]);
  return out;
}

function sameVary(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((name) => a[name] === b[name]);
}

function varyMatches(snapshot: Snapshot, headers: Record<string, string>): boolean {
  if (snapshot.vary === undefined) return true;
  if ('*' in snapshot.vary) return false;
  for (const name in snapshot.vary) if (snapshot.vary[name] !== varyValue(name, headers[name])) return false;
  return true;
}

/** The stored variant whose `Vary`'d header values are those of this request. */
function selectVariant(record: CacheRecord, headers: Record<string, string>): CachedVariant | undefined {
  for (const variant of record.variants) {
    let matches = true;
    for (const name in variant.vary) {
      if (variant.vary[name] !== varyValue(name, headers[name])) {
        matches = false;
        break;
      }
    }
    if (matches) return variant;
  }
  return undefined;
}

/** `target` resolved against `base`, when it is on the same origin (RFC 9111 4.4). */
function sameOrigin(base: string, target: string): string | undefined {
  try {
    const resolved = new URL(target, base);
    return resolved.origin === new URL(base).origin ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}
