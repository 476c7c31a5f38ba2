import { parseServerRateLimit } from '@axle/rate-limit';
import { AxiosHeaders } from 'axios';

const NOW = Date.UTC(2030, 0, 1);

describe('parseServerRateLimit', () => {
  it('returns undefined without rate-limit headers', () => {
    expect(parseServerRateLimit({ 'content-type': 'application/json' }, NOW)).toBeUndefined();
    expect(parseServerRateLimit(undefined, NOW)).toBeUndefined();
  });

  it('reads X-RateLimit-* with a reset in delta seconds, epoch seconds or epoch ms', () => {
    expect(
      parseServerRateLimit(
        { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '30' },
        NOW,
      ),
    ).toEqual({
      limit: 100,
      remaining: 7,
      resetAt: NOW + 30_000,
      window: undefined,
      retryAfter: undefined,
      sources: ['x-ratelimit'],
    });
    const epoch = String(NOW / 1000 + 60);
    expect(parseServerRateLimit({ 'x-ratelimit-reset': epoch }, NOW)?.resetAt).toBe(NOW + 60_000);
    expect(parseServerRateLimit({ 'x-ratelimit-reset': String(NOW + 5000) }, NOW)?.resetAt).toBe(NOW + 5000);
    expect(parseServerRateLimit({ 'x-ratelimit-reset': 'soon', 'x-ratelimit-remaining': 'x' }, NOW)).toMatchObject({
      resetAt: undefined,
      remaining: undefined,
    });
    expect(parseServerRateLimit({ 'x-ratelimit-reset': '-3' }, NOW)?.resetAt).toBeUndefined();
  });

  it('reads Retry-After as delta seconds and as an HTTP-date', () => {
    expect(parseServerRateLimit({ 'retry-after': '2' }, NOW)).toMatchObject({
      retryAfter: 2,
      sources: ['retry-after'],
    });
    const date = new Date(NOW + 10_000).toUTCString();
    expect(parseServerRateLimit({ 'retry-after': date }, NOW)?.retryAfter).toBe(10);
    expect(parseServerRateLimit({ 'retry-after': 5 as unknown as string }, NOW)?.retryAfter).toBe(5);
  });

  it('reads the IETF draft fields: separate, combined, and structured with a policy', () => {
    expect(
      parseServerRateLimit(
        { 'ratelimit-limit': '50', 'ratelimit-remaining': '0', 'ratelimit-reset': '9', 'ratelimit-policy': '50;w=60' },
        NOW,
      ),
    ).toEqual({
      limit: 50,
      remaining: 0,
      resetAt: NOW + 9000,
      window: 60_000,
      retryAfter: undefined,
      sources: ['ratelimit'],
    });
    expect(parseServerRateLimit({ ratelimit: 'limit=10, remaining=3, reset=4' }, NOW)).toMatchObject({
      limit: 10,
      remaining: 3,
      resetAt: NOW + 4000,
    });
    expect(
      parseServerRateLimit(
        { ratelimit: '"default";r=1;t=20, "daily";r=100;t=3600', 'ratelimit-policy': '"default";q=10;w=60' },
        NOW,
      ),
    ).toMatchObject({ limit: 10, remaining: 1, resetAt: NOW + 20_000, window: 60_000 });
  });

  it('reads AxiosHeaders and array values', () => {
    const headers = new AxiosHeaders({ 'x-ratelimit-remaining': '3' });
    expect(parseServerRateLimit(headers as unknown as Record<string, unknown>, NOW)?.remaining).toBe(3);
    expect(parseServerRateLimit({ 'x-ratelimit-limit': ['9', '10'] }, NOW)?.limit).toBe(9);
    expect(parseServerRateLimit({ 'x-ratelimit-limit': {} }, NOW)?.limit).toBeUndefined();
  });

  it('takes Date.now() by default', () => {
    const at = parseServerRateLimit({ 'ratelimit-reset': '1' })?.resetAt ?? 0;
    expect(Math.abs(at - (Date.now() + 1000))).toBeLessThan(100);
  });
});
