// The small parts on their own: the sampling window, origins, and what counts as a failure.

import { resolveCircuitBreakerOptions } from '@axle/circuit-breaker';
import { ConfigurationError, ConnectionError, createHTTPError, ReadTimeoutError, ValidationError } from '@axle/core';
import axios, { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { classifyError, classifyResponse, isErrorClass } from '../src/classify-outcome';
import { RateWindow } from '../src/rate-window';
import { createOriginResolver } from '../src/request-origin';

describe('RateWindow', () => {
  it('counts calls and failures over the last duration, sliding in tenths', () => {
    const window = new RateWindow(1000);
    window.record(true, 0);
    window.record(false, 50);
    window.record(true, 150);
    expect(window.totals(150)).toEqual({ calls: 3, failures: 2 });
    // At 1000 the first bucket (0-99) has left the window; the second (100-199) has not.
    expect(window.totals(1000)).toEqual({ calls: 1, failures: 1 });
    expect(window.totals(1100)).toEqual({ calls: 0, failures: 0 });
    // The bucket of 0-99 is reused for 1000-1099 and starts from zero; 100-199 still counts.
    window.record(false, 1010);
    expect(window.totals(1010)).toEqual({ calls: 2, failures: 1 });
    window.clear();
    expect(window.totals(1010)).toEqual({ calls: 0, failures: 0 });
  });

  it('works for windows shorter than ten milliseconds', () => {
    const window = new RateWindow(3);
    window.record(true, 5);
    expect(window.totals(5)).toEqual({ calls: 1, failures: 1 });
    expect(window.totals(20)).toEqual({ calls: 0, failures: 0 });
  });
});

describe('createOriginResolver', () => {
  const originOf = createOriginResolver();
  it.each([
    [{ baseURL: 'HTTPS://API.Example.com:443/v1', url: '/users' }, 'https://api.example.com'],
    [{ baseURL: 'http://a.test:8080', url: 'users' }, 'http://a.test:8080'],
    [{ baseURL: 'http://a.test', url: 'http://b.test/x' }, 'http://b.test'],
    [{ baseURL: 'http://a.test', url: 'http://b.test/x', allowAbsoluteUrls: false }, 'http://a.test'],
    [{ url: 'http://user:secret@c.test:80/x?y#z' }, 'http://c.test'],
    [{ url: 'http://[::1]:3000/' }, 'http://[::1]:3000'],
    [{ url: '/relative' }, 'unknown'],
    [{}, 'unknown'],
    [{ url: 'http://exa mple.test/' }, 'unknown'],
  ])('%j → %s', (config, origin) => {
    expect(originOf(config)).toBe(origin);
    expect(originOf(config)).toBe(origin); // cached the second time
  });

  it('keeps its cache bounded', () => {
    const resolve = createOriginResolver();
    for (let i = 0; i < 600; i++) expect(resolve({ url: `http://h${i}.test/` })).toBe(`http://h${i}.test`);
  });
});

describe('classifyError / classifyResponse', () => {
  const options = resolveCircuitBreakerOptions({ excludedErrors: [ValidationError, (e) => e === 'skip'] });
  const config = { url: '/x', method: 'get', headers: new axios.AxiosHeaders() } as InternalAxiosRequestConfig;
  const response = (status: number): AxiosResponse => ({ data: null, status, statusText: '', headers: {}, config });

  it('counts included statuses, connection errors and timeouts as failures', () => {
    expect(classifyError(createHTTPError(response(503), { config }), options)).toBe('failure');
    expect(classifyError(new ConnectionError('refused', { code: 'ECONNREFUSED', config }), options)).toBe('failure');
    expect(classifyError(new ReadTimeoutError('slow', { config }), options)).toBe('failure');
  });

  it('types raw axios errors first, as the core would', () => {
    const raw = new AxiosError('socket hang up', 'ECONNRESET', config);
    expect(classifyError(raw, options)).toBe('failure');
    const rawStatus = new AxiosError('bad', 'ERR_BAD_RESPONSE', config, null, response(502));
    expect(classifyError(rawStatus, options)).toBe('failure');
  });

  it('counts other statuses as successes and ignores what says nothing about the upstream', () => {
    expect(classifyError(createHTTPError(response(404), { config }), options)).toBe('success');
    expect(classifyError(createHTTPError(response(501), { config }), options)).toBe('success');
    expect(classifyError(new axios.CanceledError('stop'), options)).toBe('ignored');
    expect(classifyError(new ValidationError('bad json', { config }), options)).toBe('ignored');
    expect(classifyError('skip', options)).toBe('ignored');
    expect(classifyError(new ConfigurationError('bad option'), options)).toBe('ignored');
    expect(classifyError(new Error('a bug in a hook'), options)).toBe('ignored');
  });

  it('reads resolved responses by status', () => {
    expect(classifyResponse(response(503), options)).toBe('failure');
    expect(classifyResponse(response(200), options)).toBe('success');
  });

  it('tells error classes from predicates', () => {
    expect(isErrorClass(Error)).toBe(true);
    expect(isErrorClass(ValidationError)).toBe(true);
    expect(isErrorClass(() => true)).toBe(false);
    expect(
      isErrorClass(function predicate() {
        return true;
      }),
    ).toBe(false);
  });
});
