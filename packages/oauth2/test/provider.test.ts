import { createClient } from '@axle/core';
import { isOAuth2Error, oauth2 } from '../src';
import { browse, type Provider, startApi, startProvider } from './support';

jest.setTimeout(30_000);

let provider: Provider;
let api: Awaited<ReturnType<typeof startApi>>;

beforeAll(async () => {
  provider = await startProvider(300);
  api = await startApi(provider);
});
afterAll(async () => {
  await api.close();
  await provider.close();
});

describe('client credentials against oidc-provider', () => {
  it('gets a token with client_secret_basic (issuer discovery) and the API accepts it', async () => {
    const auth = oauth2({
      flow: 'client_credentials',
      issuer: provider.issuer,
      clientId: 'svc-basic',
      clientSecret: 'svc-basic-secret-0123456789',
      scope: 'api:read',
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const before = await provider.stats();
    const res = await client.get('/data');
    expect(res.data).toEqual({ ok: true });
    const after = await provider.stats();
    expect(after.token - before.token).toBe(1);
    const sent = after.tokenBodies.at(-1);
    expect(sent?.authorization).toMatch(/^Basic /);
    expect(sent?.body).not.toContain('client_secret');
    expect(auth.tokenInfo()).toMatchObject({ tokenType: 'Bearer', scope: 'api:read', hasRefreshToken: false });
    await client.close();
  });

  it('gets a token with client_secret_post', async () => {
    const auth = oauth2({
      flow: 'client_credentials',
      tokenUrl: `${provider.issuer}/token`,
      clientId: 'svc-post',
      clientSecret: 'svc-post-secret-0123456789',
      clientAuth: 'client_secret_post',
      scope: 'api:read',
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    await expect(client.get('/data')).resolves.toMatchObject({ status: 200 });
    const sent = (await provider.stats()).tokenBodies.at(-1);
    expect(sent?.authorization).toBeNull();
    expect(new URLSearchParams(sent?.body).get('client_secret')).toBe('svc-post-secret-0123456789');
    await client.close();
  });

  it('a wrong secret is an OAuth2Error invalid_client without the secret in message or JSON', async () => {
    const auth = oauth2({
      flow: 'client_credentials',
      issuer: provider.issuer,
      clientId: 'svc-basic',
      clientSecret: 'wrong-secret-value-42',
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const error = await client.get('/data').catch((e: unknown) => e);
    expect(isOAuth2Error(error)).toBe(true);
    if (!isOAuth2Error(error)) throw error;
    expect(error.oauthError).toBe('invalid_client');
    expect(error.status).toBe(401);
    const text = `${error.message} ${JSON.stringify(error)}`;
    expect(text).not.toContain('wrong-secret-value-42');
    expect(text).not.toContain(Buffer.from('svc-basic:wrong-secret-value-42').toString('base64'));
    await client.close();
  });

  it('revoke() revokes the access token at the provider', async () => {
    const auth = oauth2({
      flow: 'client_credentials',
      issuer: provider.issuer,
      clientId: 'svc-basic',
      clientSecret: 'svc-basic-secret-0123456789',
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const token = await auth.getAccessToken();
    expect(await provider.active(token)).toBe(true);
    await auth.revoke();
    expect(await provider.active(token)).toBe(false);
    expect(auth.tokenInfo()).toBeUndefined();
    await client.close();
  });
});

describe('authorization code + PKCE against oidc-provider', () => {
  it('signs in through the loopback listener, then refreshes with rotation', async () => {
    let opened = '';
    const auth = oauth2({
      flow: 'authorization_code',
      issuer: provider.issuer,
      clientId: 'cli',
      scope: 'openid offline_access',
      authorizationParams: { prompt: 'consent' },
      openBrowser: async (url) => {
        opened = url;
        // The user signs in: the last redirect reaches the loopback listener.
        void browse(url);
      },
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const info = await auth.authorize();
    expect(info.hasRefreshToken).toBe(true);
    const params = new URL(opened).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    await expect(client.get('/me')).resolves.toMatchObject({ status: 200 });
    await client.close();
  });
});
