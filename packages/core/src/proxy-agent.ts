import type http from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { ConfigurationError } from './configuration-error';
import { isSocksProxy, resolveProxyOption } from './proxy-options';
import { redactUrl } from './redact';

type AddRequest = (req: http.ClientRequest, options: Record<string, unknown>) => void;
type SocksAgentClass = new (proxy: string, options?: object) => http.Agent;

/** What a {@link ProxyRouter} needs from its client. */
export interface ProxyRouterOptions {
  /** The client's `proxy`: a URL, `false`, or `undefined` (the environment decides). */
  readonly proxy: string | false | undefined;
  /** Options of every agent the router creates: the pool's; for HTTPS targets, the TLS settings too. */
  readonly agentOptions: { readonly http: object; readonly https: object };
  /**
   * TLS settings for HTTPS targets reached through a proxy: proxy agents do not pass their own
   * options to the TLS connection inside the tunnel, so they go on each request. Default: none.
   */
  readonly tls?: object | undefined;
  /** Puts a new agent under the client's timeouts; returns what to send requests through. */
  readonly watch: (agent: http.Agent) => http.Agent;
}

const ENV_NAMES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * Sends each request (and each redirect hop) of a client through the right agent: directly, or
 * through an HTTP(S) proxy (CONNECT for HTTPS targets) or a SOCKS proxy, as the client's or the
 * request's `proxy`, or else `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`, decide. Proxy agents are made
 * on first use, keep-alive, watched for timeouts, and destroyed by `destroy()`. The proxy's
 * credentials go to the proxy alone (`Proxy-Authorization` on the proxy hop; CONNECT for HTTPS).
 *
 * @example
 * ```ts
 * const router = new ProxyRouter({ proxy: 'http://proxy:3128', agentOptions: { http: {}, https: {} }, watch: (a) => a });
 * const agent = router.route(directAgent, false);
 * ```
 */
export class ProxyRouter {
  readonly #options: ProxyRouterOptions;
  readonly #agents = new Map<string, http.Agent>();
  #socks: SocksAgentClass | undefined;
  #destroyed = false;
  // The proxy variables are looked at once, when the client is made (as undici's
  // EnvHttpProxyAgent does): reading process.env costs about a microsecond a name, on every request.
  readonly #envProxy: boolean;
  readonly #envSocks: boolean;

  constructor(options: ProxyRouterOptions) {
    this.#options = options;
    this.#envProxy = ENV_NAMES.some((name) => process.env[name]);
    this.#envSocks = ENV_NAMES.some((name) => process.env[name]?.toLowerCase().startsWith('socks'));
  }

  /**
   * A view of `direct` that routes every request it gets; `override` is a request's own `proxy`.
   */
  route(direct: http.Agent, secure: boolean, override?: string | false): http.Agent {
    const view = Object.create(direct) as http.Agent & { addRequest: AddRequest };
    view.addRequest = (req, options) => {
      let agent: http.Agent;
      try {
        const proxy = this.proxyFor(targetOf(options, secure), override);
        agent = proxy === false ? direct : this.#agentFor(proxy, secure);
      } catch (error) {
        // As Node's own agent fails a request it cannot connect: `destroy()` alone would wait for
        // a socket that never comes, and the request would hang.
        (req as http.ClientRequest & { onSocket(socket: undefined, error: Error): void }).onSocket(
          undefined,
          error as Error,
        );
        return;
      }
      options.secureEndpoint = secure;
      if (secure && agent !== direct && this.#options.tls) Object.assign(options, this.#options.tls);
      (agent as http.Agent & { addRequest: AddRequest }).addRequest(req, options);
    };
    return view;
  }

  /** The proxy for a request to `url` (`false`: direct). */
  proxyFor(url: string, override?: string | false): string | false {
    const setting = override !== undefined ? override : this.#options.proxy;
    if (setting !== undefined) return setting;
    if (!this.#envProxy) return false;
    const fromEnv = getProxyForUrl(url);
    if (fromEnv === '') return false;
    const name = url.startsWith('https:') ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    return resolveProxyOption(fromEnv, name) || false;
  }

  /**
   * Whether a request may need socks-proxy-agent loaded first (cheap: no URL is parsed unless a
   * SOCKS proxy is configured or in the environment).
   */
  mayNeedSocks(override?: string | false): boolean {
    if (this.#socks !== undefined) return false;
    const setting = override !== undefined ? override : this.#options.proxy;
    if (setting !== undefined) return setting !== false && isSocksProxy(setting);
    return this.#envSocks;
  }

  /**
   * Loads socks-proxy-agent (an optional peer dependency) when a request to `url` needs it.
   * Rejects with a `ConfigurationError` that says how to install it when it is missing.
   */
  async prepare(url: string, override?: string | false): Promise<void> {
    if (this.#socks !== undefined) return;
    const proxy = this.proxyFor(url, override);
    if (proxy === false || !isSocksProxy(proxy)) return;
    try {
      const loaded = (await import('socks-proxy-agent')) as { SocksProxyAgent: SocksAgentClass };
      this.#socks = loaded.SocksProxyAgent;
    } catch (cause) {
      throw new ConfigurationError(
        `proxy ${JSON.stringify(redactUrl(proxy))} is a SOCKS proxy, which needs the optional package socks-proxy-agent: npm install socks-proxy-agent@8.0.5`,
        { option: 'proxy', cause },
      );
    }
  }

  /** Destroys every proxy agent (the client is closing). */
  destroy(): void {
    this.#destroyed = true;
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #agentFor(proxy: string, secure: boolean): http.Agent {
    const key = `${secure ? 'https' : 'http'} ${proxy}`;
    const existing = this.#agents.get(key);
    if (existing) return existing;
    if (this.#destroyed)
      throw new ConfigurationError('Client is closed; its proxy agents are gone', { option: 'proxy' });
    const options = secure ? this.#options.agentOptions.https : this.#options.agentOptions.http;
    let agent: http.Agent;
    if (isSocksProxy(proxy)) {
      if (!this.#socks) {
        throw new ConfigurationError(
          `proxy ${JSON.stringify(redactUrl(proxy))} is a SOCKS proxy, which needs the optional package socks-proxy-agent: npm install socks-proxy-agent@8.0.5`,
          { option: 'proxy' },
        );
      }
      agent = new this.#socks(proxy, options);
    } else if (secure) {
      agent = new HttpsProxyAgent(proxy, options);
    } else {
      agent = new HttpProxyAgent(proxy, options);
    }
    const watched = this.#options.watch(agent);
    this.#agents.set(key, watched);
    return watched;
  }
}

function targetOf(options: Record<string, unknown>, secure: boolean): string {
  const host = String(options.hostname ?? options.host ?? 'localhost');
  const port = options.port ?? (secure ? 443 : 80);
  return `${secure ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${String(port)}`;
}
