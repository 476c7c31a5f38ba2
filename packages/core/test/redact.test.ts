import { isSensitiveHeader, REDACTED, redactHeaders, redactUrl } from '@axle/core';
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
