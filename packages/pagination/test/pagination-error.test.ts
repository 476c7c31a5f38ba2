import { ClientError, isClientError, isValidationError } from '@axle/core';
import {
  CrossOriginLinkError,
  isCrossOriginLinkError,
  isMissingResultsError,
  isPaginationError,
  isPaginationLoopError,
  MissingResultsError,
  PaginationError,
  PaginationLoopError,
} from '@axle/pagination';
import axios from 'axios';

describe('pagination errors', () => {
  const loop = new PaginationLoopError('Pagination loop', {
    pageIndex: 3,
    method: 'GET',
    url: 'https://api.example.com/items?cursor=a&api_key=secret',
  });
  const origin = new CrossOriginLinkError('Other origin', {
    origin: 'https://evil.example',
    expectedOrigin: 'https://api.example.com',
    url: 'https://evil.example/x',
  });
  const missing = new MissingResultsError('Results key "data" is missing', { path: 'data' });

  it('sit in the axle error tree, with literal names, codes and guards that read the marker', () => {
    expect(loop).toBeInstanceOf(PaginationError);
    expect(loop).toBeInstanceOf(ClientError);
    expect(axios.isAxiosError(loop)).toBe(true);
    expect([loop.name, origin.name, missing.name]).toEqual([
      'PaginationLoopError',
      'CrossOriginLinkError',
      'MissingResultsError',
    ]);
    expect([loop.code, origin.code, missing.code, new PaginationError('x').code]).toEqual([
      'ERR_PAGINATION_LOOP',
      'ERR_PAGINATION_ORIGIN',
      'ERR_PAGINATION_RESULTS',
      'ERR_PAGINATION',
    ]);
    expect([isPaginationError(loop), isPaginationLoopError(loop), isCrossOriginLinkError(loop)]).toEqual([
      true,
      true,
      false,
    ]);
    expect([isPaginationError(origin), isCrossOriginLinkError(origin), isMissingResultsError(origin)]).toEqual([
      true,
      true,
      false,
    ]);
    expect([isPaginationError(missing), isMissingResultsError(missing), isValidationError(missing)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(isClientError(missing)).toBe(true);
    expect(isPaginationError(new Error('x'))).toBe(false);
    expect(isPaginationError(null)).toBe(false);
  });

  it('say where in the message and toJSON(), with credentials redacted', () => {
    expect(loop.message).toBe('Pagination loop: GET https://api.example.com/items?cursor=a&api_key=[REDACTED]');
    expect(loop.toJSON()).toMatchObject({ name: 'PaginationLoopError', pageIndex: 3 });
    expect(JSON.stringify(loop.toJSON())).not.toContain('secret');
    expect(origin.toJSON()).toMatchObject({
      origin: 'https://evil.example',
      expectedOrigin: 'https://api.example.com',
    });
    expect(missing.toJSON()).toMatchObject({ path: 'data', issues: [] });
  });
});
