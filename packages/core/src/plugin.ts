import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { AxleInstance } from './axle-instance';
import { ConfigurationError } from './configuration-error';
import type { AxleEvents } from './events';
import { describeValue } from './option-checks';

/**
 * Where a plugin sits in the pipeline. The core orders plugins by role, never by the order they
 * are listed in:
 *
 * - config phase: credentials, then every other role's config steps, then `hooks.request`;
 * - call phase: `credentials` → user `middleware` → `extension` → `cache` → `circuit-breaker`
 *   → `rate-limit` → transport.
 */
export type PluginRole = 'credentials' | 'extension' | 'cache' | 'circuit-breaker' | 'rate-limit';

/** Every role, in pipeline order. */
export const PLUGIN_ROLES: readonly PluginRole[] = Object.freeze([
  'credentials',
  'extension',
  'cache',
  'circuit-breaker',
  'rate-limit',
]);

/** Sends a config down the rest of the call phase and resolves with the response. */
export type NextAdapter = (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>;

/**
 * A call-phase layer: it surrounds the rest of the chain, down to the transport. It may change
 * the config, answer without calling `next` (a cache hit), or reject (an open breaker).
 *
 * @example
 * ```ts
 * const timing: CallLayer = async (config, next) => {
 *   const start = Date.now();
 *   try { return await next(config); } finally { console.log(Date.now() - start); }
 * };
 * ```
 */
export type CallLayer = (config: InternalAxiosRequestConfig, next: NextAdapter) => Promise<AxiosResponse>;

/**
 * A config-phase step: runs on every attempt, before the call phase. It may change the config in
 * place or return a replacement.
 */
export type ConfigStep = (
  config: InternalAxiosRequestConfig,
  // biome-ignore lint/suspicious/noConfusingVoidType: a step that only sets headers in place returns nothing
) => InternalAxiosRequestConfig | void | Promise<InternalAxiosRequestConfig | void>;

/** How a call-phase layer treats requests. */
export interface WrapOptions {
  /**
   * Whether the layer may change a request's headers. Default `true`. A layer that declares
   * `false` (a breaker, a limiter) lets retries reuse the request's headers instead of copying them
   * for every attempt, which keeps the request path as cheap as with no layer.
   */
  readonly changesHeaders?: boolean;
}

/** Releases what a plugin created in `install` (timers, stores, connections). */
export type PluginDispose = () => void | Promise<void>;

/** What `install` gets: the client, its events, and the two ways to join the pipeline. */
export interface PluginContext {
  /** The client being created. */
  readonly client: AxleInstance;
  /** The client's events; plugins emit theirs here. */
  readonly events: AxleEvents;
  /** Adds a config-phase step at this plugin's role position. */
  onConfig(step: ConfigStep): void;
  /** Adds a call-phase layer at this plugin's role position. */
  wrap(layer: CallLayer, options?: WrapOptions): void;
  /**
   * Runs `decorator` on the client now and on every client `extend` makes from it later, so a
   * plugin can add methods (`client.paginate`) that extended clients have too.
   */
  decorate(decorator: (client: AxleInstance) => void): void;
}

/**
 * A plugin handle, as plugin factories return it. Nothing may be created before `install`;
 * whatever `install` creates, the function it returns releases (`client.close()` calls it).
 */
export interface AxlePlugin {
  /** A unique name, used in error messages. */
  readonly name: string;
  /** Where the plugin sits in the pipeline. */
  readonly role: PluginRole;
  /** The per-request config key; `false` there skips this plugin's layers for that request. */
  readonly key?: string;
  /** Joins the client: called once by `createClient`. */
  install(context: PluginContext): PluginDispose | undefined;
}

/**
 * Checks a plugin's shape at once (a clear `ConfigurationError` instead of a failure on the first
 * request) and returns it unchanged, typed.
 *
 * @example
 * ```ts
 * export function stamp(value = 'axle') {
 *   return definePlugin({
 *     name: 'stamp',
 *     role: 'extension',
 *     key: 'stamp',
 *     install(ctx) {
 *       ctx.onConfig((config) => { config.headers.set('X-Stamp', value); return config; });
 *       return undefined;
 *     },
 *   });
 * }
 * ```
 */
export function definePlugin<P extends AxlePlugin>(plugin: P): P {
  assertPlugin(plugin, 'plugin');
  return plugin;
}

/** Throws a `ConfigurationError` naming `where` unless `value` has the shape of a plugin. */
export function assertPlugin(value: unknown, where: string): asserts value is AxlePlugin {
  if (value === null || typeof value !== 'object') {
    throw new ConfigurationError(
      `${where} must be a plugin object ({ name, role, install }), as plugin factories return it; got ${describeValue(value)}`,
      { option: where },
    );
  }
  const plugin = value as Partial<AxlePlugin>;
  if (typeof plugin.name !== 'string' || plugin.name === '') {
    throw new ConfigurationError(`${where}.name must be a non-empty string; got ${describeValue(plugin.name)}`, {
      option: `${where}.name`,
    });
  }
  if (!PLUGIN_ROLES.includes(plugin.role as PluginRole)) {
    throw new ConfigurationError(
      `${where}.role of plugin "${plugin.name}" must be one of ${PLUGIN_ROLES.map((r) => `"${r}"`).join(', ')}; got ${describeValue(plugin.role)}`,
      { option: `${where}.role` },
    );
  }
  if (typeof plugin.install !== 'function') {
    throw new ConfigurationError(`${where}.install of plugin "${plugin.name}" must be a function`, {
      option: `${where}.install`,
    });
  }
  if (plugin.key !== undefined && (typeof plugin.key !== 'string' || plugin.key === '')) {
    throw new ConfigurationError(`${where}.key of plugin "${plugin.name}" must be a non-empty string when given`, {
      option: `${where}.key`,
    });
  }
}
