import {
  type CircuitBreakerOptions,
  circuitBreaker,
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  resolveCircuitBreakerOptions,
} from '@axle/circuit-breaker';
import { ConfigurationError, ValidationError } from '@axle/core';

describe('resolveCircuitBreakerOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveCircuitBreakerOptions();
    expect(resolved).toEqual({
      failureThreshold: 5,
      failureRateThreshold: undefined,
      samplingDuration: 60_000,
      minimumThroughput: 10,
      successThreshold: 2,
      resetTimeout: 30_000,
      halfOpenMaxCalls: 3,
      excludedErrors: [],
      includedStatusCodes: new Set([500, 502, 503, 504]),
      fallback: undefined,
      perHost: false,
      maxHosts: 1000,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(DEFAULT_CIRCUIT_BREAKER_OPTIONS.failureThreshold).toBe(5);
    expect(circuitBreaker().options).toEqual(resolved);
  });

  it('turns consecutive counting off when only a failure rate is given, and keeps both when both are', () => {
    expect(resolveCircuitBreakerOptions({ failureRateThreshold: 0.5 })).toMatchObject({
      failureThreshold: undefined,
      failureRateThreshold: 0.5,
      minimumThroughput: 10,
    });
    expect(resolveCircuitBreakerOptions({ failureRateThreshold: 1, failureThreshold: 3 })).toMatchObject({
      failureThreshold: 3,
      failureRateThreshold: 1,
    });
  });

  it('lets successThreshold and halfOpenMaxCalls defaults give way to each other', () => {
    expect(resolveCircuitBreakerOptions({ halfOpenMaxCalls: 1 })).toMatchObject({
      halfOpenMaxCalls: 1,
      successThreshold: 1,
    });
    expect(resolveCircuitBreakerOptions({ successThreshold: 5 })).toMatchObject({
      halfOpenMaxCalls: 5,
      successThreshold: 5,
    });
    expect(resolveCircuitBreakerOptions({ successThreshold: 1, halfOpenMaxCalls: 1 })).toMatchObject({
      halfOpenMaxCalls: 1,
      successThreshold: 1,
    });
  });

  const bad: [string, unknown, string, RegExp][] = [
    ['not an object', 5, 'circuitBreaker', /options must be an object; got number 5/],
    ['an array', [], 'circuitBreaker', /got an array/],
    ['a typo', { failure_threshold: 5 }, 'circuitBreaker.failure_threshold', /did you mean "failureThreshold"/],
    ['a spec name', { excluded_exceptions: [] }, 'circuitBreaker.excluded_exceptions', /did you mean "excludedErrors"/],
    ['unknown', { volumeThreshold: 5 }, 'circuitBreaker.volumeThreshold', /valid options are failureThreshold, /],
    ['failureThreshold 0', { failureThreshold: 0 }, 'circuitBreaker.failureThreshold', /whole number above 0/],
    ['failureThreshold 1.5', { failureThreshold: 1.5 }, 'circuitBreaker.failureThreshold', /got number 1.5/],
    ['rate as percent', { failureRateThreshold: 50 }, 'circuitBreaker.failureRateThreshold', /0.5 for 50 %/],
    ['rate 0', { failureRateThreshold: 0 }, 'circuitBreaker.failureRateThreshold', /fraction above 0/],
    [
      'minimumThroughput alone',
      { minimumThroughput: 5 },
      'circuitBreaker.minimumThroughput',
      /only applies with failureRateThreshold/,
    ],
    ['samplingDuration text', { samplingDuration: '60s' }, 'circuitBreaker.samplingDuration', /got "60s"/],
    ['resetTimeout negative', { resetTimeout: -1 }, 'circuitBreaker.resetTimeout', /milliseconds above 0/],
    [
      'success above budget',
      { successThreshold: 4, halfOpenMaxCalls: 3 },
      'circuitBreaker.successThreshold',
      /must not exceed circuitBreaker.halfOpenMaxCalls \(3\): the breaker could never close/,
    ],
    ['halfOpenMaxCalls 0', { halfOpenMaxCalls: 0 }, 'circuitBreaker.halfOpenMaxCalls', /above 0/],
    ['excludedErrors not array', { excludedErrors: Error }, 'circuitBreaker.excludedErrors', /an array/],
    [
      'excludedErrors entry',
      { excludedErrors: ['TimeoutError'] },
      'circuitBreaker.excludedErrors[0]',
      /class or a predicate/,
    ],
    [
      'excludedErrors non-error class',
      { excludedErrors: [class NotAnError {}] },
      'circuitBreaker.excludedErrors[0]',
      /does not extend Error/,
    ],
    ['codes not array', { includedStatusCodes: 503 }, 'circuitBreaker.includedStatusCodes', /500 to 599/],
    ['a 4xx code', { includedStatusCodes: [503, 429] }, 'circuitBreaker.includedStatusCodes[1]', /never counts/],
    ['a bogus code', { includedStatusCodes: [700] }, 'circuitBreaker.includedStatusCodes[0]', /got number 700/],
    ['fallback not a function', { fallback: {} }, 'circuitBreaker.fallback', /got an object/],
    ['perHost text', { perHost: 'yes' }, 'circuitBreaker.perHost', /true or false/],
    ['maxHosts alone', { maxHosts: 10 }, 'circuitBreaker.maxHosts', /only applies with perHost: true/],
    ['maxHosts 0', { perHost: true, maxHosts: 0 }, 'circuitBreaker.maxHosts', /above 0/],
    ['null value', { resetTimeout: null }, 'circuitBreaker.resetTimeout', /got null/],
    ['long text', { resetTimeout: 'x'.repeat(100) }, 'circuitBreaker.resetTimeout', /got a long string/],
    ['a function', { resetTimeout: () => 1 }, 'circuitBreaker.resetTimeout', /got function/],
  ];
  it.each(bad)('%s → ConfigurationError naming the option', (_name, options, option, message) => {
    let error: unknown;
    try {
      circuitBreaker(options as CircuitBreakerOptions);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toMatch(message);
  });

  it('accepts error classes and predicates in excludedErrors', () => {
    const resolved = resolveCircuitBreakerOptions({
      excludedErrors: [
        ValidationError,
        Error,
        (e) => e === null,
        function named() {
          return false;
        },
      ],
    });
    expect(resolved.excludedErrors).toHaveLength(4);
  });
});
