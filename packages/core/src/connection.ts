import http from 'node:http';
import https from 'node:https';
import type { CreateAxiosDefaults, InternalAxiosRequestConfig } from 'axios';
import { type ClientAuth, createClientAuth } from './auth';
import { requestUrl } from './client-error';
import { guardClose } from './close-guard';
import { ConfigurationError } from './configuration-error';
import type { ResolvedConnection } from './connection-options';
import { CredentialScope } from './credential-scope';
import { type Logger, writeLog } from './logger';
import type { LayerEntry } from './pipeline';
import type { CallLayer, ConfigStep, NextAdapter } from './plugin';
import { ProxyRouter } from './proxy-agent';
import { resolveProxyOption } from './proxy-options';
import { type RedirectPolicy, redirectingTransport } from './redirecting-transport';
import { cookieStep, redirectLayer } from './redirects';

/** A request's own `proxy`, checked, kept for the steps of every attempt. */
const PROXY = Symbol('axle.proxy');
type Marked = InternalAxiosRequestConfig & { [PROXY]?: string | false };

type Watch = (agent: http.Agent) => http.Agent;

/**
 * A client's connections and credentials: its keep-alive agents (pool and TLS settings), the
 * proxy router over them, the credentials step and the 401-refresh, redirect and cookie layers.
 * Shared by the clients `extend` makes; `close()` releases it.
 *
 * @example
 * ```ts
 * const connection = new Connection(resolved, config.baseURL, logger);
 * ```
 */
export class Connection {
  readonly #resolved: ResolvedConnection;
  readonly #auth: ClientAuth;
  readonly #scope: CredentialScope;
  readonly #logger: Logger | undefined;
  #router: ProxyRouter | undefined;
  #direct: { http: http.Agent; https: http.Agent } | undefined;
  #views: { http: http.Agent; https: http.Agent } | undefined;
  #guard: { done(): void } | undefined;

  constructor(resolved: ResolvedConnection, baseURL: unknown, logger: Logger | undefined) {
    this.#resolved = resolved;
    this.#logger = logger;
    this.#scope = new CredentialScope(baseURL, resolved.trustedOrigins);
    this.#auth = createClientAuth(resolved.auth, this.#scope);
    if (resolved.tls && !resolved.tls.rejectUnauthorized) {
      this.warn(
        'tls.rejectUnauthorized is false: this client accepts any TLS certificate, so its HTTPS traffic can be intercepted. Use tls.ca to trust a private CA instead.',
        'AXLE_TLS_VERIFY_OFF',
      );
    }
  }

  /**
   * Config steps at the credentials position, in order. None when the client has neither `auth`
   * nor a jar and nothing else runs in the config phase (`others`): then a request's own `auth`
   * is attached by the call layer, which keeps the request path of a plain client short.
   */
  configSteps(others: boolean): ConfigStep[] {
    const steps: ConfigStep[] = [];
    if (this.#auth.needsStep || this.#resolved.jar || others) steps.push(this.#auth.step);
    if (this.#resolved.jar) steps.push(cookieStep(this.#resolved.jar));
    return steps;
  }

  /** The call layer at the credentials position: 401 refresh, SOCKS loading, redirects and cookies. */
  get callLayers(): LayerEntry[] {
    const redirect = redirectLayer(this.#resolved.jar);
    const inner: CallLayer = (config, next) => {
      const router = this.#router;
      const override = (config as Marked)[PROXY];
      if (router?.mayNeedSocks(override)) {
        return router.prepare(requestUrl(config) ?? '', override).then(() => redirect(config, next));
      }
      return redirect(config, next);
    };
    const auth = this.#auth;
    // It never copies headers for retries: the refresh replay sets the same header the step sets.
    return [{ layer: (config, next) => auth.layer(config, (c) => inner(c, next)), changesHeaders: false }];
  }

  /**
   * axle's redirect following over the chain each hop takes (credentials and cookies per hop, the
   * SOCKS agent loaded for a hop that needs it); `onHop` is told of every hop.
   */
  redirecting(hop: NextAdapter, onHop?: RedirectPolicy['onHop']): NextAdapter {
    return redirectingTransport(hop, {
      scope: this.#scope,
      jar: this.#resolved.jar,
      onHop,
      beforeHop: (config, url) => {
        const router = this.#router;
        const override = (config as Marked)[PROXY];
        return router?.mayNeedSocks(override) ? router.prepare(url, override) : undefined;
      },
    });
  }

  /** Gives `config` keep-alive agents with the pool and TLS settings, unless it has its own; returns those made. */
  ownAgents(config: CreateAxiosDefaults): http.Agent[] {
    const owned: http.Agent[] = [];
    const pool = this.#resolved.pool;
    if (config.httpAgent === undefined) {
      config.httpAgent = new http.Agent(pool);
      owned.push(config.httpAgent as http.Agent);
    }
    if (config.httpsAgent === undefined) {
      config.httpsAgent = new https.Agent({ ...pool, ...this.#resolved.tls });
      owned.push(config.httpsAgent as http.Agent);
    }
    return owned;
  }

  /**
   * Puts the proxy router in front of the (watched) agents of `config`; proxy agents it makes are
   * put under the client's timeouts by `watch`.
   */
  route(config: CreateAxiosDefaults, watch: Watch): void {
    const direct = {
      http: (config.httpAgent || http.globalAgent) as http.Agent,
      https: (config.httpsAgent || https.globalAgent) as http.Agent,
    };
    const router = new ProxyRouter({
      proxy: this.#resolved.proxy,
      agentOptions: { http: this.#resolved.pool, https: { ...this.#resolved.pool, ...this.#resolved.tls } },
      tls: this.#resolved.tls,
      watch,
    });
    this.#router = router;
    this.#direct = direct;
    this.#views = { http: router.route(direct.http, false), https: router.route(direct.https, true) };
    // An agent of `false` (axios: no agent, a fresh connection each time) stays as it is.
    if (config.httpAgent !== false) config.httpAgent = this.#views.http;
    if (config.httpsAgent !== false) config.httpsAgent = this.#views.https;
  }

  /**
   * Once per logical request, before the retry loop: takes the request's `auth` and `proxy` over
   * from axios (checked, so a bad value fails with a `ConfigurationError` naming it).
   */
  prepare(raw: InternalAxiosRequestConfig, defaults: { headers?: unknown }): void {
    const config = raw as Marked;
    this.#auth.prepare(config, defaults);
    const value = config.proxy as unknown;
    // axios must never proxy by itself: with HTTPS_PROXY set it would replace axle's agents.
    config.proxy = false;
    if (value === undefined || value === null) return;
    const override = value === false ? false : resolveProxyOption(value, 'proxy');
    if (override !== undefined) this.#override(config, override);
  }

  #override(config: Marked, proxy: string | false): void {
    if (proxy !== false && this.#resolved.http2) {
      throw new ConfigurationError('proxy cannot be used on an HTTP/2 client: axios sends HTTP/2 without agents', {
        option: 'proxy',
        config,
      });
    }
    config[PROXY] = proxy;
    const router = this.#router;
    const direct = this.#direct;
    const views = this.#views;
    if (!router || !direct || !views) return;
    if (config.httpAgent === views.http) config.httpAgent = router.route(direct.http, false, proxy);
    if (config.httpsAgent === views.https) config.httpsAgent = router.route(direct.https, true, proxy);
  }

  /**
   * Warns once if `client` is garbage-collected before `close()`, and then releases `agents`.
   * Built here, away from `createClient`'s scope, so the guard holds nothing that holds the client.
   */
  guard(client: object, agents: readonly http.Agent[], stop: readonly { stop(): void }[]): void {
    const router = this.#router;
    this.#guard = guardClose(
      client,
      (message) => this.warn(message, 'AXLE_CLIENT_NOT_CLOSED'),
      () => {
        for (const watcher of stop) watcher.stop();
        for (const agent of agents) agent.destroy();
        router?.destroy();
      },
    );
  }

  /** Releases the proxy agents; the client is closing. */
  close(): void {
    this.#guard?.done();
    this.#router?.destroy();
  }

  /** Logs a warning at WARN on the client's logger, or as a process warning without one. */
  warn(message: string, code: string): void {
    if (this.#logger) writeLog(this.#logger, 'warn', { event: 'warning', code, method: '', url: '' }, message);
    else process.emitWarning(message, { code });
  }
}
