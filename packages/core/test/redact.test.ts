import {
  isSensitiveField,
  isSensitiveHeader,
  matchesRedactRule,
  REDACTED,
  redactHeaders,
  redactUrl,
  sampleBody,
} from '@axle/core';
import { AxiosHeaders } from 'axios';

describe('redactUrl', () => {
  it.each([
    ['https://u:pw@api.example.com/x', `https://u:${REDACTED}@api.example.com/x`],
    ['https://token@api.example.com/x', 'https://token@api.example.com/x'],
    ['https://api.example.com/x?api_key=k1&page=2', `https://api.example.com/x?api_key=${REDACTED}&page=2`],
    [
      'https://api.example.com/x?page=2&access_token=a#frag',
      `https://api.example.com/x?page=2&access_token=${REDACTED}#frag`,
    ],
    ['/relative?token=t&x=1', `/relative?token=${REDACTED}&x=1`],
    [
      'https://h/x?API-KEY=1&apikey=2&Signature=3',
      `https://h/x?API-KEY=${REDACTED}&apikey=${REDACTED}&Signature=${REDACTED}`,
    ],
    ['https://h/x?client_secret=s&flag', `https://h/x?client_secret=${REDACTED}&flag`],
    ['https://h/x?%E0%A4%A=1', 'https://h/x?%E0%A4%A=1'],
    ['https://h/path', 'https://h/path'],
    ['https://u:p@h?key=1', `https://u:${REDACTED}@h?key=${REDACTED}`],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('redactHeaders', () => {
  it('redacts credential headers in any case, from plain objects and AxiosHeaders', () => {
    const input = {
      Authorization: 'Bearer t',
      'proxy-authorization': 'Basic x',
      Cookie: 'a=b',
      'Set-Cookie': ['a=b'],
      'X-Api-Key': 'k',
      Accept: 'application/json',
      Empty: undefined,
    };
    const expected = {
      Authorization: REDACTED,
      'proxy-authorization': REDACTED,
      Cookie: REDACTED,
      'Set-Cookie': REDACTED,
      'X-Api-Key': REDACTED,
      Accept: 'application/json',
    };
    expect(redactHeaders(input)).toEqual(expected);
    expect(redactHeaders(new AxiosHeaders({ Authorization: 'Bearer t', Accept: 'x' }))).toEqual({
      Authorization: REDACTED,
      Accept: 'x',
    });
    expect(redactHeaders(undefined)).toEqual({});
    expect(redactHeaders({ toJSON: () => 'not an object' })).toEqual({ toJSON: expect.any(Function) });
  });

  it('isSensitiveHeader', () => {
    expect(isSensitiveHeader('AUTHORIZATION')).toBe(true);
    expect(isSensitiveHeader('x-request-id')).toBe(false);
  });
});

describe('extra rules (the redact option)', () => {
  it('match names by string in any case, or by RegExp; other entries are ignored', () => {
    expect(matchesRedactRule('X-Secret', ['x-secret'])).toBe(true);
    expect(matchesRedactRule('x-internal-sig', [/^x-internal-/gi])).toBe(true);
    expect(matchesRedactRule('x-internal-sig', [/^x-internal-/gi])).toBe(true);
    expect(matchesRedactRule('accept', [42 as never, 'x'])).toBe(false);
    expect(matchesRedactRule('accept', undefined)).toBe(false);
    expect(isSensitiveHeader('X-Tenant', ['x-tenant'])).toBe(true);
    expect(isSensitiveField('ssn', [/^ssn$/])).toBe(true);
    expect(isSensitiveField('password')).toBe(true);
    expect(isSensitiveField('page')).toBe(false);
  });

  it('apply to URLs and headers', () => {
    expect(redactUrl('https://h/x?tenant=t&page=1', ['tenant'])).toBe(`https://h/x?tenant=${REDACTED}&page=1`);
    expect(redactHeaders({ 'X-Tenant': 't', Accept: 'a' }, [/tenant/i])).toEqual({ 'X-Tenant': REDACTED, Accept: 'a' });
  });
});

describe('sampleBody', () => {
  it.each([
    [
      { user: 'a', password: 'p', nested: [{ token: 't' }] },
      1000,
      `{"user":"a","password":"${REDACTED}","nested":[{"token":"${REDACTED}"}]}`,
    ],
    ['{"secret":"s","ok":1}', 1000, `{"secret":"${REDACTED}","ok":1}`],
    ['{not json', 1000, '{not json'],
    ['grant_type=x&client_secret=s', 1000, `grant_type=x&client_secret=${REDACTED}`],
    [new URLSearchParams({ token: 't', a: 'b' }), 1000, `token=${REDACTED}&a=b`],
    ['plain text body', 5, 'plain…'],
    ['héllo', 2, 'h…'],
    [Buffer.from('abc'), 100, '[binary 3 bytes]'],
    [new Uint8Array(4), 100, '[binary 4 bytes]'],
    [{ pipe() {} }, 100, '[stream]'],
    [42, 100, '42'],
    ['x', 0, undefined],
    [undefined, 100, undefined],
    ['', 100, undefined],
  ])('%p (%p bytes)', (body, bytes, expected) => {
    expect(sampleBody(body, bytes)).toBe(expected);
  });

  it('applies extra rules to fields, and describes what cannot be serialised', () => {
    expect(sampleBody({ ssn: '1', name: 'n' }, 100, ['ssn'])).toBe(`{"ssn":"${REDACTED}","name":"n"}`);
    expect(sampleBody({ big: 1n }, 100)).toBe('[unserialisable body]');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 30; i++) deep = deep.next = {} as Record<string, unknown>;
    expect(sampleBody(root, 10_000)).toContain('[…]');
  });
});

describe('sampleBody and credentials written out in a body', () => {
  it('redacts Bearer and Basic values in text and JSON samples, but not auth parameters', () => {
    expect(sampleBody('you sent Bearer sekret-echo-token-1', 200)).toBe('you sent Bearer [REDACTED]');
    expect(sampleBody('{"echo":"Basic c2VrcmV0OnB3"}', 200)).toBe('{"echo":"Basic [REDACTED]"}');
    expect(sampleBody('WWW-Authenticate: Bearer error="invalid_token"', 200)).toBe(
      'WWW-Authenticate: Bearer error="invalid_token"',
    );
  });
});
