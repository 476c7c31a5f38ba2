// The clients the benchmark compares. Add an entry to SCENARIOS to benchmark another setup
// (a breaker, a limiter, a cache, logging...); see README.md. The acceptance rules that compare
// scenarios are in `ACCEPTANCE` in report.mjs.
import http from 'node:http';
import { cache, memoryStore } from '@axle/cache';
import { circuitBreaker } from '@axle/circuit-breaker';
import { createClient, isCircuitBreakerOpenError } from '@axle/core';
import { rateLimit } from '@axle/rate-limit';
import axios, { AxiosError } from 'axios';

/** Path every scenario requests; the server answers any path with `{"ok":true,"id":N}`. */
export const PATH = '/item';

/** Path the cache scenarios request: the server marks it fresh for an hour. */
export const CACHEABLE = '/cacheable';

/** The baseline every other scenario is compared with. Always run. */
export const BASELINE = 'raw axios';

/**
 * @typedef {object} ScenarioInstance
 * @property {() => Promise<unknown>} request Sends one GET to the server; resolves with the axios
 *   response (or with the body). Rejections are counted as errors.
 * @property {() => Promise<void>} close Releases every socket, timer and agent the instance owns.
 */

/**
 * @typedef {object} Scenario
 * @property {string} name Short unique name, used in tables and by `--only`.
 * @property {string} description One line saying what is set up.
 * @property {(baseURL: string) => ScenarioInstance} make Builds a fresh client for one measurement.
 */

/** `createClient({ baseURL })` with every default: the `createClient()` scenario and its control. */
function defaultClient(baseURL) {
  const client = createClient({ baseURL });
  return {
    request: () => client.get(PATH),
    close: () => client.close(),
  };
}

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    name: BASELINE,
    description: 'axios.create({ baseURL }) with default config, plus a keep-alive http.Agent of its own',
    make(baseURL) {
      const httpAgent = new http.Agent({ keepAlive: true });
      const client = axios.create({ baseURL, httpAgent });
      return {
        request: () => client.get(PATH),
        close: async () => httpAgent.destroy(),
      };
    },
  },
  {
    name: 'createClient()',
    description:
      'createClient({ baseURL }) from @axle/core with its defaults (retries and split timeouts on), ' +
      'no plugins (owns its keep-alive agents)',
    make: defaultClient,
  },
  {
    name: 'createClient(), control',
    description:
      'the same client as createClient(), measured as a scenario of its own: its ratio to createClient() ' +
      'is 1 but for noise, so it shows how large a difference this run can resolve',
    make: defaultClient,
  },
  {
    name: 'createClient({ retry: false })',
    description:
      'createClient({ baseURL, retry: false }): no retry layer, otherwise the same defaults as createClient() ' +
      '(split timeouts on); the server never fails, so createClient() against it is the cost of the retry layer',
    make(baseURL) {
      const client = createClient({ baseURL, retry: false });
      return {
        request: () => client.get(PATH),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'createClient() + INFO logger',
    description:
      'createClient({ baseURL, logger }) with a no-op logger at INFO (isLevelEnabled("debug") is false, as pino ' +
      'at level info): one INFO record per request is built and handed to the logger',
    make(baseURL) {
      const noop = () => undefined;
      const logger = { debug: noop, info: noop, warn: noop, error: noop, isLevelEnabled: (level) => level !== 'debug' };
      const client = createClient({ baseURL, logger });
      return {
        request: () => client.get(PATH),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'createClient() + closed breaker',
    description: 'createClient({ baseURL, plugins: [circuitBreaker()] }): the breaker stays closed (no failures)',
    make(baseURL) {
      const client = createClient({ baseURL, plugins: [circuitBreaker()] });
      return {
        request: () => client.get(PATH),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'open breaker: rejections',
    description:
      'createClient({ plugins: [breaker] }) with breaker.forceOpen(): every request fails at once with ' +
      'CircuitBreakerOpenError (caught); its "CPU µs/req" is the client CPU cost of one rejection',
    make(baseURL) {
      const breaker = circuitBreaker();
      const client = createClient({ baseURL, plugins: [breaker] });
      breaker.forceOpen();
      return {
        // A rejection is this scenario's success: report it as the ok body the harness checks for.
        request: () =>
          client.get(PATH).then(
            () => {
              throw new Error('the open breaker let a request through');
            },
            async (error) => {
              if (!isCircuitBreakerOpenError(error)) throw error;
              // A rejection involves no I/O: yield once, or the driver's workers would starve its
              // timers. The setImmediate (about 1 µs) is counted in this scenario's CPU figure.
              await new Promise((resolve) => setImmediate(resolve));
              return { data: { ok: true } };
            },
          ),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'raw axios: immediate rejections',
    description:
      'axios.create({ adapter }) whose adapter rejects at once with an AxiosError: the CPU axios itself spends ' +
      'failing a request (config merge, interceptor chain, error and stack capture), the floor under any ' +
      'rejection made inside axios; the reference for the open-breaker figure',
    make(baseURL) {
      const client = axios.create({
        baseURL,
        adapter: (config) => Promise.reject(new AxiosError('rejected at once', 'ERR_REJECTED', config)),
      });
      return {
        request: () =>
          client.get(PATH).then(
            () => {
              throw new Error('the rejecting adapter resolved');
            },
            async (error) => {
              if (error?.code !== 'ERR_REJECTED') throw error;
              // The same yield as the open-breaker scenario, so both figures include it.
              await new Promise((resolve) => setImmediate(resolve));
              return { data: { ok: true } };
            },
          ),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'createClient() + idle limiter',
    description:
      'createClient({ plugins: [rateLimit({ maxRequests: 1e9, timeWindow: 1000 })] }): a token-bucket limiter ' +
      'whose limit is far above the load (never binding)',
    make(baseURL) {
      const client = createClient({ baseURL, plugins: [rateLimit({ maxRequests: 1e9, timeWindow: 1000 })] });
      return {
        request: () => client.get(PATH),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'raw axios: instant adapter',
    description:
      'axios.create({ adapter }) whose adapter resolves at once with a small JSON response: what axios itself ' +
      'spends on a request with no I/O (config merge, interceptors, transforms), the floor under any cache hit ' +
      'served inside axios; the reference for the cache-hit figure',
    make(baseURL) {
      const client = axios.create({
        baseURL,
        adapter: async (config) => ({
          data: '{"ok":true,"id":0}',
          status: 200,
          statusText: 'OK',
          headers: { 'content-type': 'application/json' },
          config,
        }),
      });
      return {
        request: () => client.get(CACHEABLE),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'createClient() + cache hit',
    description:
      `createClient({ plugins: [cache({ store: memoryStore() })] }) requesting ${CACHEABLE} (max-age=3600): ` +
      'the first request fills the cache, every later one is a memory-store hit with no network I/O',
    make(baseURL) {
      const client = createClient({ baseURL, plugins: [cache({ store: memoryStore() })] });
      return {
        request: () => client.get(CACHEABLE),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'createClient(), fresh URLs',
    description: `createClient({ baseURL }) requesting ${CACHEABLE}?n=<counter>: a new URL every time, no cache`,
    make(baseURL) {
      const client = createClient({ baseURL });
      let n = 0;
      return {
        request: () => client.get(`${CACHEABLE}?n=${++n}`),
        close: () => client.close(),
      };
    },
  },
  {
    name: 'createClient() + cache miss',
    description:
      `createClient({ plugins: [cache({ store: memoryStore({ maxEntries: 1000 }) })] }) requesting ${CACHEABLE}?n=<counter>: ` +
      'every request misses, goes to the network, and its response is stored (evicting the oldest past 1000)',
    make(baseURL) {
      const client = createClient({ baseURL, plugins: [cache({ store: memoryStore({ maxEntries: 1000 }) })] });
      let n = 0;
      return {
        request: () => client.get(`${CACHEABLE}?n=${++n}`),
        close: () => client.close(),
      };
    },
  },
];
