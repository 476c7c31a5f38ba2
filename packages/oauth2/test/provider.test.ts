import { createClient } from '@axle/core';
import { isOAuth2Error, isOAuth2FlowError, type OAuth2Options, type OAuth2TokenEvent, oauth2 } from '../src';
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

  it('a 401 invalid_token (token revoked behind our back) refreshes once and replays once', async () => {
    const auth = oauth2({
      flow: 'client_credentials',
      clientId: 'svc-basic',
      clientSecret: 'svc-basic-secret-0123456789',
      issuer: provider.issuer,
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    await client.get('/warm').catch(() => undefined);
    const old = await auth.getAccessToken().catch(() => '');
    await fetch(`${provider.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from('svc-basic:svc-basic-secret-0123456789').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: old }),
    });
    expect(await provider.active(old)).toBe(false);
    const seen = api.tokens.length;
    const start = await tokenRequests();
    await expect(client.get('/after-revoke')).resolves.toMatchObject({ status: 200 });
    expect((await tokenRequests()) - start).toBe(1);
    const [rejected, replayed] = api.tokens.slice(seen);
    expect(rejected).toBe(old);
    expect(replayed).not.toBe(old);
    expect(api.tokens.length - seen).toBe(2);
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

function cliAuth(extra: Partial<OAuth2Options> = {}) {
  return oauth2({
    flow: 'authorization_code',
    issuer: provider.issuer,
    clientId: 'cli',
    scope: 'openid offline_access',
    authorizationParams: { prompt: 'consent' },
    openBrowser: (url) => {
      void browse(url);
    },
    ...extra,
  });
}

const tokenRequests = async () => (await provider.stats()).token;

const refreshTokensSent = async () =>
  (await provider.stats()).tokenBodies
    .map((b) => new URLSearchParams(b.body))
    .filter((p) => p.get('grant_type') === 'refresh_token')
    .map((p) => p.get('refresh_token'));

describe('authorization code + PKCE against oidc-provider', () => {
  it('signs in through the loopback listener', async () => {
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

describe('refresh with rotation and reuse detection', () => {
  it('a rotated refresh token replaces the old one; reusing the old one kills the grant', async () => {
    // Each request happens 250 s (of this process's clock) after the previous one: past the
    // point where the 300 s token is refreshed.
    const realNow = Date.now.bind(Date);
    let offset = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    const auth = cliAuth();
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const events: OAuth2TokenEvent[] = [];
    client.events.on('oauth2:token', (e) => events.push(e));
    await auth.authorize();
    offset += 250_000;
    await client.get('/a');
    offset += 250_000;
    await client.get('/b');
    const sent = await refreshTokensSent();
    const [first, second] = sent.slice(-2);
    expect(first).toBeTruthy();
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    expect(events.map((e) => e.grantType)).toEqual(['authorization_code', 'refresh_token', 'refresh_token']);
    expect(events.every((e) => e.refreshTokenIssued)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(first as string);

    // Someone replays the old refresh token: the provider revokes the whole grant.
    const replay = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first as string, client_id: 'cli' }),
    });
    expect(replay.status).toBe(400);
    offset += 250_000;
    const error = await client.get('/c').catch((e: unknown) => e);
    expect(isOAuth2Error(error) && error.oauthError).toBe('invalid_grant');
    // The dead refresh token is forgotten: the next request asks for a new sign-in.
    const next = await client.get('/d').catch((e: unknown) => e);
    expect(isOAuth2FlowError(next) && next.code).toBe('ERR_OAUTH2_NO_TOKEN');
    await client.close();
  });

  it('the refresh_token flow starts from a given refresh token and keeps the rotated one', async () => {
    const seed = cliAuth();
    const seedClient = createClient({ baseURL: api.url, plugins: [seed] });
    await seed.authorize();
    // Take the refresh token out of the first handle's store through a custom store.
    await seedClient.close();
    const store = new Map<string, unknown>();
    const first = cliAuth({
      store: { get: (k) => store.get(k), set: (k, v) => store.set(k, v), delete: (k) => store.delete(k) },
    });
    const firstClient = createClient({ baseURL: api.url, plugins: [first] });
    await first.authorize();
    const saved = [...store.values()][0] as { refreshToken: string };
    await firstClient.close();

    const auth = oauth2({
      flow: 'refresh_token',
      issuer: provider.issuer,
      clientId: 'cli',
      refreshToken: saved.refreshToken,
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    await expect(client.get('/x')).resolves.toMatchObject({ status: 200 });
    const sent = await refreshTokensSent();
    expect(sent.at(-1)).toBe(saved.refreshToken);
    expect(auth.tokenInfo()?.hasRefreshToken).toBe(true);
    await auth.revoke();
    expect((await provider.stats()).revocation).toBeGreaterThan(0);
    await client.close();
  });
});

describe('device authorization grant against oidc-provider', () => {
  it('shows the user code, polls while pending, and gets a token once the user approves', async () => {
    const auth = oauth2({
      flow: 'device_code',
      issuer: provider.issuer,
      clientId: 'cli',
      scope: 'openid offline_access',
      pollInterval: 100,
      onUserCode: ({ verificationUriComplete }) => {
        // The user takes a moment, so the first polls see authorization_pending.
        setTimeout(() => void browse(verificationUriComplete as string), 300);
      },
    });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const before = await provider.stats();
    const info = await auth.authorize();
    expect(info.hasRefreshToken).toBe(true);
    const after = await provider.stats();
    expect(after.token - before.token).toBeGreaterThan(1);
    await expect(client.get('/me')).resolves.toMatchObject({ status: 200 });
    await client.close();
  });

  it('a denied device authorization rejects with access_denied', async () => {
    const auth = oauth2({ flow: 'device_code', issuer: provider.issuer, clientId: 'cli', pollInterval: 100 });
    const client = createClient({ baseURL: api.url, plugins: [auth] });
    const device = await auth.deviceAuthorization();
    expect(device.userCode).toEqual(expect.any(String));
    const waiting = device.wait().catch((e: unknown) => e);
    // The user presses "abort" on the confirmation page.
    const res = await fetch(`${provider.issuer}/device`);
    const cookies = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await res.text())?.[1] as string;
    await fetch(`${provider.issuer}/device`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookies, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, user_code: device.userCode, abort: 'yes' }),
    });
    const error = await waiting;
    expect(isOAuth2Error(error) && error.oauthError).toBe('access_denied');
    await client.close();
  });
});
