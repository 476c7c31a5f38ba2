import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { CallLayer, NextAdapter } from './plugin';

/**
 * The one way call-phase code surrounds the network call: returns an adapter that runs `layer`
 * with `adapter` as its `next`. When `key` is given and the request's config has `[key]: false`,
 * the layer is skipped for that request (`{ cache: false }`).
 *
 * @example
 * ```ts
 * const adapter = wrapAdapter(axios.getAdapter('http'), async (config, next) => next(config));
 * ```
 */
export function wrapAdapter(adapter: NextAdapter, layer: CallLayer, key?: string): NextAdapter {
  if (key === undefined) return (config) => layer(config, adapter);
  return (config: InternalAxiosRequestConfig): Promise<AxiosResponse> =>
    (config as unknown as Record<string, unknown>)[key] === false ? adapter(config) : layer(config, adapter);
}
