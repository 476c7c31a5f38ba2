import { isConfigurationError } from '@axle/core';
import { DEFAULT_OAUTH2_OPTIONS, type OAuth2Options, resolveOAuth2Options } from '../src';

const base = {
  flow: 'client_credentials',
  tokenUrl: 'https://auth.example.test/token',
  clientId: 'c',
  clientSecret: 's',
} as const;

function failure(options: unknown): { option: string | undefined; message: string } {
  try {
    resolveOAuth2Options(options as OAuth2Options);
  } catch (error) {
    if (!isConfigurationError(error)) throw error;
    return { option: error.option, message: error.message };
  }
  throw new Error('no ConfigurationError');
}

describe('resolveOAuth2Options', () => {
  it('applies the defaults', () => {
    const resolved = resolveOAuth2Options(base);
    expect(resolved).toMatchObject({
      clientAuth: 'client_secret_basic',
      refreshSkew: DEFAULT_OAUTH2_OPTIONS.refreshSkew,
      timeout: 30_000,
      authorizationTimeout: 300_000,
      pollInterval: 5000,
      lockTimeout: 10_000,
      redirectPort: 0,
      redirectPath: '/callback',
      origins: [],
      storeKey: 'oauth2:https://auth.example.test/token:c:client_credentials:',
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    const publicClient = resolveOAuth2Options({
      flow: 'device_code',
      issuer: 'https://id.example.test/',
      clientId: 'p',
    });
    expect(publicClient.clientAuth).toBe('none');
    expect(publicClient.issuer).toBe('https://id.example.test');
  });

  it('accepts scopes as a list and normalises origins', () => {
    const resolved = resolveOAuth2Options({ ...base, scope: ['a', 'b'], origins: ['https://x.example.test/path'] });
    expect(resolved.scope).toBe('a b');
    expect(resolved.origins).toEqual(['https://x.example.test']);
    expect(resolveOAuth2Options({ ...base, scope: '  ' }).scope).toBeUndefined();
  });

  it.each([
    [{ ...base, tokenURL: 'x' }, 'oauth2.tokenURL', /did you mean "tokenUrl"/],
    [{ ...base, client_secret: 'x' }, 'oauth2.client_secret', /did you mean "clientSecret"/],
    [{ ...base, scopes: 'x' }, 'oauth2.scopes', /did you mean "scope"/],
    [{ ...base, grantType: 'x' }, 'oauth2.grantType', /did you mean "flow"/],
    [{ ...base, whatever: 1 }, 'oauth2.whatever', /valid options are/],
    [{ ...base, flow: 'implicit' }, 'oauth2.flow', /one of 'client_credentials'/],
    [{ ...base, clientId: '' }, 'oauth2.clientId', /non-empty string/],
    [{ ...base, clientAuth: 'private_key_jwt' }, 'oauth2.clientAuth', /one of/],
    [{ ...base, clientSecret: undefined }, 'oauth2.clientSecret', /client_credentials/],
    [
      { ...base, flow: 'device_code', clientSecret: undefined, clientAuth: 'client_secret_post' },
      'oauth2.clientSecret',
      /required with clientAuth/,
    ],
    [{ ...base, tokenUrl: undefined }, 'oauth2.tokenUrl', /issuer/],
    [{ ...base, tokenUrl: 'ftp://x' }, 'oauth2.tokenUrl', /http\(s\) URL/],
    [{ ...base, tokenUrl: '/token' }, 'oauth2.tokenUrl', /absolute/],
    [{ ...base, scope: 3 }, 'oauth2.scope', /space-separated/],
    [{ ...base, flow: 'refresh_token' }, 'oauth2.refreshToken', /required/],
    [{ ...base, flow: 'password', username: 'u' }, 'oauth2.password', /required/],
    [{ ...base, flow: 'password', password: 'p' }, 'oauth2.username', /required/],
    [{ ...base, flow: 'jwt_bearer' }, 'oauth2.signAssertion', /required/],
    [{ ...base, signAssertion: 'jwt' }, 'oauth2.signAssertion', /function/],
    [{ ...base, openBrowser: 'firefox' }, 'oauth2.openBrowser', /function/],
    [{ ...base, redirectPort: 70000 }, 'oauth2.redirectPort', /integer port/],
    [{ ...base, redirectPath: 'cb' }, 'oauth2.redirectPath', /starting with/],
    [{ ...base, store: {} }, 'oauth2.store', /get, set and delete/],
    [{ ...base, origins: ['nope'] }, 'oauth2.origins[0]', /origin/],
    [{ ...base, tokenParams: { a: 1 } }, 'oauth2.tokenParams', /string parameters/],
    [{ ...base, refreshSkew: -1 }, 'oauth2.refreshSkew', />= 0/],
    [{ ...base, timeout: 0 }, 'oauth2.timeout', />= 1/],
    [{ ...base, lockTimeout: Number.NaN }, 'oauth2.lockTimeout', /milliseconds/],
  ])('%#: rejects with a ConfigurationError naming %s', (options, option, message) => {
    const error = failure(options);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  it('rejects a non-object', () => {
    expect(failure(null).option).toBe('oauth2');
    expect(failure('x').option).toBe('oauth2');
  });

  it('never echoes a secret value', () => {
    expect(failure({ ...base, clientSecret: '' }).message).not.toContain('""');
    const error = failure({ ...base, flow: 'refresh_token', refreshToken: 42 });
    expect(error.message).toMatch(/got number 42/);
    expect(failure({ ...base, password: 'x'.repeat(80), flow: 'nope' }).message).not.toContain('xxxx');
  });
});
