import type http from 'node:http';
import type https from 'node:https';
import axios, {
  type AxiosAdapter,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type CreateAxiosDefaults,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { ThrowHttpErrors } from './augment';
import type { AxleConfig, AxleExtendConfig, AxleInstance, Middleware } from './axle-instance';
import { prepareRequestBody } from './body-serializer';
import { ClientError } from './client-error';
import { ConfigurationError } from './configuration-error';
import { Connection } from './connection';
import { FIXED_CONNECTION_KEYS, splitConnectionOptions } from './connection-options';
import { DEFAULT_MAX_CONTENT_LENGTH, decodingTransport } from './decode-body';
import { RedirectPayload } from './event-payload';
import { type AxleEvents, createEvents } from './events';
import { HTTPError } from './http-error';
import { checkRequestOptions, OBSERVE_KEYS, type ResolvedClientOptions, resolveClientOptions } from './options';
import { createPipeline, type LayerEntry, typedFailure } from './pipeline';
import {
  type CallLayer,
  type ConfigStep,
  type NextAdapter,
  PLUGIN_ROLES,
  type PluginDispose,
  type PluginRole,
  type WrapOptions,
} from './plugin';
import { singleHop } from './redirecting-transport';
import type { RedirectHop } from './redirects';
import { createRequestObserver, type RequestObserver } from './request-observer';
import { RetryBudget } from './retry-budget';
import { resolveRetryOptions } from './retry-options';
import { type RequestContext, runRequest } from './run-request';
import { validateResponse } from './schema-validation';
import { type AgentWatcher, watchAgent } from './socket-timeouts';
import { openStream } from './stream-response';
import { DEFAULT_TIMEOUTS, type ResolvedTimeouts, resolveTimeouts } from './timeout-options';
import { toClientError } from './to-client-error';
import { VERSION } from './version';

/** What a client shares with the clients `extend` makes from it. */
interface Runtime {
  readonly events: AxleEvents;
  readonly configSteps: Map<PluginRole, ConfigStep[]>;
  readonly callLayers: Map<PluginRole, LayerEntry[]>;
  /** The retry budget, when the client's retry options ask for one. */
  readonly budget: RetryBudget | undefined;
  /** The watchers of the client's agents, stopped by `close()`. */
  readonly watchers: AgentWatcher[];
  /** What plugins add to every client of this runtime (`ctx.decorate`). */
  readonly decorators: ((client: AxleInstance) => void)[];
  /** Logging, request IDs, trace context and telemetry; `undefined` when all are off. */
  readonly observer: RequestObserver | undefined;
  /** Agents, proxies, credentials, redirects and cookies. */
  readonly connection: Connection;
  closed: boolean;
}

/**
 * Creates a client: an axios instance configured by `config`, with axle's pipeline, typed errors
 * and owned keep-alive agents. Every option `axios.create` takes keeps its meaning.
 *
 * Defaults: `User-Agent: axle/<version>` unless one is set; keep-alive `http`/`https` agents owned
 * by the client (unless `httpAgent`/`httpsAgent` are given) and destroyed by `close()`;
 * `throwHttpErrors: true`; no plugins, hooks or middleware.
 *
 * Invalid options throw a `ConfigurationError` here, naming the option.
 *
 * @example
 * ```ts
 * import { createClient } from '@axle/core';
 *
 * const api = createClient({ baseURL: 'https://api.example.com', headers: { Accept: 'application/json' } });
 * const { data } = await api.get('/users/1');
 * await api.close();
 * ```
 */
export function createClient(config?: AxleConfig): AxleInstance {
  const split = splitConnectionOptions(config);
  const options = resolveClientOptions(split.rest);
  const axiosConfig: CreateAxiosDefaults = { ...options.axios, headers: withUserAgent(options.axios.headers) };
  // Buffered bodies are limited by default (streams are not: see decode-body.ts).
  axiosConfig.maxContentLength ??= DEFAULT_MAX_CONTENT_LENGTH;
  const connection = new Connection(split.connection, axiosConfig.baseURL, options.observe.logger);
  const ownedAgents: (http.Agent | https.Agent)[] = connection.ownAgents(axiosConfig);

  const events = createEvents();
  const runtime: Runtime = {
    events,
    configSteps: new Map(PLUGIN_ROLES.map((role) => [role, []])),
    callLayers: new Map(PLUGIN_ROLES.map((role) => [role, []])),
    budget: options.retry && options.retry.budget !== false ? new RetryBudget(options.retry.budget) : undefined,
    watchers: [],
    decorators: [],
    observer: createRequestObserver(options.observe, events, (error) => shouldThrow(error, options.throwHttpErrors)),
    connection,
    closed: false,
  };
  runtime.callLayers.get('credentials')?.push(...connection.callLayers);
  const timeouts = options.timeouts;
  for (const key of ['httpAgent', 'httpsAgent'] as const) {
    const agent = axiosConfig[key] as http.Agent | false | null;
    if (!agent) continue;
    const watched = watchAgent(agent, timeouts, ownedAgents.includes(agent));
    axiosConfig[key] = watched.agent;
    runtime.watchers.push(watched.watcher);
  }
  connection.route(axiosConfig, watchInto(timeouts, runtime.watchers));
  const disposers: PluginDispose[] = [];
  let closing: Promise<void> | undefined;

  const releaseAll = async (): Promise<void> => {
    runtime.closed = true;
    // One at a time, last installed first, so a plugin can still rely on those installed before it.
    const failures: unknown[] = [];
    for (const dispose of disposers.reverse()) {
      try {
        await dispose();
      } catch (error) {
        failures.push(error);
      }
    }
    runtime.events.clear();
    for (const watcher of runtime.watchers) watcher.stop();
    for (const agent of ownedAgents) agent.destroy();
    runtime.connection.close();
    if (failures.length > 0) {
      throw new ClientError('Closing the client failed: a plugin could not release its resources', {
        code: 'ERR_CLOSE',
        cause: failures.length === 1 ? failures[0] : new AggregateError(failures),
      });
    }
  };

  const client = buildClient(options, axiosConfig, runtime, timeouts, () => {
    closing ??= releaseAll();
    return closing;
  });

  installPlugins(client, options.plugins, runtime, disposers, releaseAll);
  connection.guard(client, ownedAgents, runtime.watchers);
  return client;
}

/**
 * Installs the plugins. A function of its own so that no closure in `createClient` names the client:
 * Node keeps configs alive on keep-alive sockets, and through them the closures of the client;
 * if those named the client, it could never be collected (and the close guard never warn).
 */
function installPlugins(
  client: AxleInstance,
  plugins: ResolvedClientOptions['plugins'],
  runtime: Runtime,
  disposers: PluginDispose[],
  releaseAll: () => Promise<void>,
): void {
  plugins.forEach((plugin, index) => {
    const steps = runtime.configSteps.get(plugin.role) as ConfigStep[];
    const layers = runtime.callLayers.get(plugin.role) as LayerEntry[];
    try {
      const dispose = plugin.install({
        client,
        events: runtime.events,
        onConfig: (step: ConfigStep) => {
          steps.push(plugin.key === undefined ? step : skippable(step, plugin.key));
        },
        wrap: (layer: CallLayer, wrapOptions?: WrapOptions) => {
          layers.push({
            layer,
            ...(plugin.key === undefined ? {} : { key: plugin.key }),
            ...(wrapOptions?.changesHeaders === false ? { changesHeaders: false } : {}),
          });
        },
        decorate: (decorator: (c: AxleInstance) => void) => {
          runtime.decorators.push(decorator);
          decorator(client);
        },
      });
      if (typeof dispose === 'function') disposers.push(dispose);
    } catch (error) {
      void releaseAll().catch(() => undefined);
      throw new ConfigurationError(
        `plugins[${index}]: plugin "${plugin.name}" failed to install (${error instanceof Error ? error.message : String(error)})`,
        { option: `plugins[${index}]`, cause: error },
      );
    }
  });
}

/**
 * Watches the agents a client makes later (for proxies). Built outside `createClient`, so the
 * agents do not keep the client alive through its scope (the close guard needs it collectable).
 */
function watchInto(
  timeouts: ResolvedTimeouts | undefined,
  watchers: AgentWatcher[],
): (agent: http.Agent) => http.Agent {
  return (agent) => {
    const watched = watchAgent(agent, timeouts, true, true);
    watchers.push(watched.watcher);
    return watched.agent;
  };
}

function skippable(step: ConfigStep, key: string): ConfigStep {
  return (config) => ((config as unknown as Record<string, unknown>)[key] === false ? config : step(config));
}

/** Builds one client (the root, or one made by `extend`) over a shared runtime. */
function buildClient(
  options: ResolvedClientOptions,
  axiosConfig: CreateAxiosDefaults,
  runtime: Runtime,
  agentTimeouts: ResolvedTimeouts | undefined,
  closeRuntime: (() => Promise<void>) | undefined,
): AxleInstance {
  const instance = axios.create(axiosConfig) as AxiosInstance & Partial<Record<keyof AxleInstance, unknown>>;
  const creationConfig = Object.freeze({ ...axiosConfig });
  // Read through this, not `instance`: a closure that named the instance would keep every client
  // alive through the configs Node keeps on keep-alive sockets, and the close guard could not warn.
  const defaults = instance.defaults;
  let closedSelf = false;
  let context: RequestContext | undefined;
  let cached: { ref: unknown; adapter: AxiosAdapter } | undefined;

  // Built on first use: plugins are installed after the client object exists.
  const getContext = (): RequestContext => {
    if (context) return context;
    const pluginSteps = [
      ...(runtime.configSteps.get('credentials') ?? []),
      ...PLUGIN_ROLES.filter((r) => r !== 'credentials').flatMap((r) => runtime.configSteps.get(r) ?? []),
    ];
    const ownSteps = runtime.connection.configSteps(pluginSteps.length > 0 || options.requestHooks.length > 0);
    const pipeline = createPipeline({
      configSteps: [...ownSteps, ...pluginSteps],
      idempotentSteps: ownSteps.length,
      requestHooks: options.requestHooks,
      callLayers: [
        ...(runtime.callLayers.get('credentials') ?? []),
        ...options.middleware.map((layer) => ({ layer })),
        ...PLUGIN_ROLES.filter((r) => r !== 'credentials').flatMap((r) => runtime.callLayers.get(r) ?? []),
      ],
      requestMiddlewareAt: (runtime.callLayers.get('credentials')?.length ?? 0) + options.middleware.length,
      hopLayersAt:
        (runtime.callLayers.get('credentials')?.length ?? 0) +
        options.middleware.length +
        (runtime.callLayers.get('extension')?.length ?? 0),
      events: runtime.events,
    });
    context = {
      pipeline,
      events: runtime.events,
      retry: options.retry,
      timeouts: options.timeouts,
      agentTimeouts,
      budget: runtime.budget,
      observer: runtime.observer,
    };
    return context;
  };

  const events = runtime.events;
  const onHop = (config: InternalAxiosRequestConfig, redirect: RedirectHop, hop: number): void => {
    if (events.listenerCount('redirect') > 0) {
      events.emit('redirect', new RedirectPayload(config, redirect, hop, config.axle?.attempt ?? 1));
    }
  };

  // The adapter axle puts in place of the one the config names, kept for the last one named.
  const adapterFor = (config: InternalAxiosRequestConfig): AxiosAdapter => {
    const ref = config.adapter;
    if (cached !== undefined && cached.ref === ref) return cached.adapter;
    const ctx = getContext();
    const chosen = axios.getAdapter(ref, config);
    // Redirects are axle's to follow on axios's HTTP transport, above the layers each hop goes
    // through (cache, breaker, limiter); any other adapter keeps its own way.
    const follows = chosen === axios.getAdapter('http');
    const transport = decodingTransport(follows ? singleHop(chosen) : chosen, ref);
    const follow = follows ? (hop: NextAdapter) => runtime.connection.redirecting(hop, onHop) : undefined;
    const call = ctx.pipeline.compose(transport, undefined, follow);
    // Per-request middleware gets a chain of its own; other requests use the client's as it is.
    const callFor = (c: InternalAxiosRequestConfig): NextAdapter =>
      c.middleware === undefined || c.middleware.length === 0
        ? call
        : ctx.pipeline.compose(transport, c.middleware, follow);
    const observer = runtime.observer;
    // The response phase's schema step, only for requests that have a schema.
    const run = (c: InternalAxiosRequestConfig): Promise<AxiosResponse> =>
      c.schema === undefined || c.schema === false
        ? runRequest(c, callFor(c), ctx)
        : runRequest(c, callFor(c), ctx).then(validateResponse);
    const adapter = (observer ? (c: InternalAxiosRequestConfig) => observer.run(c, () => run(c)) : run) as AxiosAdapter;
    cached = { ref, adapter };
    return adapter;
  };

  // The pipeline's entry. Registered first, so axios runs it last, right before dispatch, after
  // any interceptor the user adds. It never throws: axios keeps dispatching when a synchronous
  // request interceptor throws, so failures are delivered through the adapter instead.
  instance.interceptors.request.use(
    (config) => {
      let failure: unknown;
      if (closedSelf || runtime.closed) {
        failure = new ClientError('Client is closed; create a new client to send requests', {
          code: 'ERR_CLIENT_CLOSED',
          config,
        });
      } else {
        try {
          checkRequestOptions(config, '');
          prepareRequestBody(config);
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== undefined) {
        config.adapter = () => Promise.reject(failure);
        return config;
      }
      try {
        runtime.connection.prepare(config, defaults);
        config.adapter = adapterFor(config);
      } catch (error) {
        const typed = toClientError(error, config);
        config.adapter = () => Promise.reject(typed);
      }
      return config;
    },
    undefined,
    { synchronous: true },
  );

  const responseHooks = options.responseHooks;
  const runResponseHooks = async (response: AxiosResponse): Promise<AxiosResponse> => {
    let current = response;
    for (const hook of responseHooks) current = (await hook(current)) ?? current;
    return current;
  };

  // The response phase: registered first, so it runs before response interceptors the user adds.
  instance.interceptors.response.use(responseHooks.length > 0 ? runResponseHooks : undefined, (error: unknown) => {
    const typed = axios.isAxiosError(error) && error.config ? typedFailure(error, error.config) : error;
    if (typed instanceof HTTPError && !shouldThrow(typed, options.throwHttpErrors)) {
      return responseHooks.length > 0 ? runResponseHooks(typed.response) : typed.response;
    }
    throw typed;
  });

  const close = (): Promise<void> => {
    closedSelf = true;
    return closeRuntime ? closeRuntime() : Promise.resolve();
  };

  const extend = (extra: AxleExtendConfig = {}): AxleInstance => {
    if (extra === null || typeof extra !== 'object') {
      throw new ConfigurationError('extend options must be an object', { option: 'options' });
    }
    for (const key of OBSERVE_KEYS) {
      if (key in extra) {
        throw new ConfigurationError(
          `${key} cannot be changed by extend (logging, request IDs, tracing and telemetry are shared with the client it extends); create a new client with createClient instead`,
          { option: key },
        );
      }
    }
    for (const key of FIXED_CONNECTION_KEYS) {
      if (key in extra) {
        throw new ConfigurationError(
          `${key} cannot be changed by extend (the new client shares the connections and credentials of the one it extends); pass it per request, or create a new client with createClient`,
          { option: key },
        );
      }
    }
    if ('plugins' in extra) {
      throw new ConfigurationError(
        'plugins cannot be changed by extend (the new client shares the plugins of the one it extends); create a new client with createClient instead',
        { option: 'plugins' },
      );
    }
    const { hooks, middleware, throwHttpErrors, retry, timeout, ...axiosExtra } = extra;
    checkRequestOptions({ timeout }, '');
    const childOptions = resolveClientOptions({
      ...axios.mergeConfig(creationConfig as AxiosRequestConfig, axiosExtra as AxiosRequestConfig),
      hooks: {
        request: [...options.requestHooks, ...(hooks?.request ?? [])],
        response: [...options.responseHooks, ...(hooks?.response ?? [])],
      },
      middleware: [...options.middleware, ...(middleware ?? [])],
      throwHttpErrors: throwHttpErrors ?? options.throwHttpErrors,
    } as AxleConfig);
    const inherited: ResolvedClientOptions = {
      ...childOptions,
      retry: retry === undefined ? options.retry : resolveRetryOptions(retry, options.retry || undefined),
      timeouts: timeoutsFor(timeout, options.timeouts),
    };
    if (typeof timeout === 'number' && timeout > 0) inherited.axios.timeout = timeout;
    const child = buildClient(inherited, inherited.axios, runtime, agentTimeouts, undefined);
    for (const decorate of runtime.decorators) decorate(child);
    return child;
  };

  Object.defineProperties(instance, {
    events: { value: runtime.events, enumerable: true },
    closed: { get: () => closedSelf || runtime.closed, enumerable: true },
    close: { value: close },
    [Symbol.asyncDispose]: { value: close },
    extend: { value: extend },
    with: { value: (...middleware: Middleware[]) => extend({ middleware }) },
    stream: { value: streamMethod(instance) },
    create: { value: extend, writable: true, configurable: true },
  });
  return instance as AxleInstance;
}

function timeoutsFor(
  value: AxleExtendConfig['timeout'],
  parent: ResolvedTimeouts | undefined,
): ResolvedTimeouts | undefined {
  if (value === undefined) return parent;
  if (typeof value === 'number') return value > 0 ? undefined : (parent ?? DEFAULT_TIMEOUTS);
  return resolveTimeouts(value, parent ?? DEFAULT_TIMEOUTS);
}

function shouldThrow(error: HTTPError, clientSetting: ThrowHttpErrors): boolean {
  const setting = error.config?.throwHttpErrors ?? clientSetting;
  if (typeof setting === 'boolean') return setting;
  if (typeof setting === 'function') return setting(error.status);
  return !setting.includes(error.status);
}

function withUserAgent(headers: CreateAxiosDefaults['headers']): CreateAxiosDefaults['headers'] {
  const plain = (headers ?? {}) as Record<string, unknown>;
  const hasUserAgent = (record: unknown): boolean =>
    record !== null &&
    typeof record === 'object' &&
    Object.keys(record as object).some((name) => name.toLowerCase() === 'user-agent');
  if (hasUserAgent(plain) || hasUserAgent(plain.common)) return headers;
  return { ...plain, 'User-Agent': `axle/${VERSION}` } as CreateAxiosDefaults['headers'];
}

/**
 * `client.stream`, made outside `buildClient`: a closure there that named the instance would put it
 * in the scope every request closure shares, and a keep-alive socket would then keep the client
 * alive (see `defaults` in buildClient).
 */
function streamMethod(instance: AxiosInstance) {
  return (method: string, url: string, config?: AxiosRequestConfig) => openStream(instance, method, url, config);
}
