import {
  type AxleInstance,
  ConnectionError,
  createClient,
  isAuthenticationError,
  isConfigurationError,
  isNotFoundError,
  isServerError,
} from '@axle/core';
import axios from 'axios';
import nock from 'nock';
import { startServer } from '../../../test-support/http-server';
import {
  isOAuth2Error,
  isOAuth2FlowError,
  type OAuth2ErrorEvent,
  type OAuth2Options,
  type OAuth2TokenEvent,
  oauth2,
  type TokenStore,
} from '../src';

const AUTH = 'https://auth.example.test';
const API = 'https://api.example.test';
const SECRET = 'sëcret with space:colon';

const clients: AxleInstance[] = [];
// nock patches node:http for the whole Jest worker: undo it, or the test files that run next in
// this worker lose keep-alive (every request would get a new connection).
afterAll(() => nock.restore());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  nock.cleanAll();
});

function setup(options: Partial<OAuth2Options> = {}, baseURL = API) {
  const auth = oauth2({
    flow: 'client_credentials',
    tokenUrl: `${AUTH}/token`,
    clientId: 'my client',
    clientSecret: SECRET,
    ...options,
  } as OAuth2Options);
  // Retries would hide how many requests each test makes.
  const client = createClient({ baseURL, plugins: [auth], retry: false });
  clients.push(client);
  return { auth, client };
}

/** Captures token request bodies and Authorization headers. */
function tokenEndpoint(...replies: [number, object][]) {
  const bodies: URLSearchParams[] = [];
  const headers: (string | undefined)[] = [];
  const scope = nock(AUTH);
  for (const [status, body] of replies) {
    scope.post('/token').reply(function reply(_uri, requestBody) {
      bodies.push(new URLSearchParams(String(requestBody)));
      headers.push(this.req.headers.authorization);
      return [status, body];
    });
  }
  return { bodies, headers, scope };
}

function api(path: string, status = 200, headers: Record<string, string> = {}) {
  const seen: (string | undefined)[] = [];
  nock(API)
    .get(path)
    .reply(function reply() {
      seen.push(this.req.headers.authorization);
      return [status, status === 200 ? { ok: true } : '', headers];
    });
  return seen;
}

const INVALID = { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="expired"' };

describe('attaching the token', () => {
  it('gets one token with client_secret_basic (form-encoded credentials) and reuses it', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1', token_type: 'bearer', expires_in: 3600 }]);
    const { client } = setup({ scope: ['api:read', 'api:write'] });
    const first = api('/a');
    const second = api('/b');
    await client.get('/a');
    await client.get('/b');
    expect(first).toEqual(['Bearer AT1']);
    expect(second).toEqual(['Bearer AT1']);
    expect(token.bodies).toHaveLength(1);
    expect(token.bodies[0]?.get('grant_type')).toBe('client_credentials');
    expect(token.bodies[0]?.get('scope')).toBe('api:read api:write');
    expect(token.bodies[0]?.has('client_secret')).toBe(false);
    const basic = Buffer.from((token.headers[0] as string).slice(6), 'base64').toString();
    const [user, pass] = basic.split(':').map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
    expect(user).toBe('my client');
    expect(pass).toBe(SECRET);
  });

  it('client_secret_post sends the credentials in the body', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1', token_type: 'Bearer' }]);
    const { client } = setup({ clientAuth: 'client_secret_post' });
    api('/a');
    await client.get('/a');
    expect(token.headers[0]).toBeUndefined();
    expect(token.bodies[0]?.get('client_id')).toBe('my client');
    expect(token.bodies[0]?.get('client_secret')).toBe(SECRET);
  });

  it('sends no token to another origin, nor with auth: false, and asks for none then', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }]);
    const { client } = setup();
    const other = nock('https://other.example.test')
      .get('/x')
      .reply(function reply() {
        return [200, { auth: this.req.headers.authorization ?? null }];
      });
    const res = await client.get('https://other.example.test/x');
    expect(res.data).toEqual({ auth: null });
    const plain = api('/public');
    await client.get('/public', { auth: false } as never);
    expect(plain).toEqual([undefined]);
    expect(token.bodies).toHaveLength(0);
    expect(other.isDone()).toBe(true);
  });

  it('the origins option adds origins that receive the token', async () => {
    tokenEndpoint([200, { access_token: 'AT1' }]);
    const { client } = setup({ origins: ['https://files.example.test'] });
    const seen: unknown[] = [];
    nock('https://files.example.test')
      .get('/f')
      .reply(function reply() {
        seen.push(this.req.headers.authorization);
        return [200, 'ok'];
      });
    await client.get('https://files.example.test/f');
    expect(seen).toEqual(['Bearer AT1']);
  });

  it('needs a baseURL or origins', () => {
    const auth = oauth2({ flow: 'client_credentials', tokenUrl: `${AUTH}/token`, clientId: 'c', clientSecret: 's' });
    let error: unknown;
    try {
      createClient({ plugins: [auth] });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/baseURL .*origins/);
  });

  it('one handle cannot be installed on two clients', () => {
    tokenEndpoint();
    const { auth } = setup();
    expect(() => createClient({ baseURL: API, plugins: [auth] })).toThrow(/already installed/);
  });

  it('a request aborted while the token is being fetched is canceled at once; the others get the token', async () => {
    // The token takes 2 s; a cancellation that waited for it would take that long.
    nock(AUTH).post('/token').delay(2000).reply(200, { access_token: 'AT1' });
    const { client } = setup();
    const seen = api('/b');
    const controller = new AbortController();
    const aborted = client.get('/a', { signal: controller.signal }).catch((e: unknown) => e);
    const other = client.get('/b');
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    expect(axios.isCancel(await aborted)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(other).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(['Bearer AT1']);
    const already = new AbortController();
    already.abort();
    expect(axios.isCancel(await client.get('/c', { signal: already.signal }).catch((e: unknown) => e))).toBe(true);
  });

  it('is refreshed refreshSkew before expiry, and a token without expires_in is kept', async () => {
    const now = jest.spyOn(Date, 'now');
    const start = Date.UTC(2030, 0, 1);
    now.mockReturnValue(start);
    const token = tokenEndpoint([200, { access_token: 'AT1', expires_in: 120 }], [200, { access_token: 'AT2' }]);
    const { client, auth } = setup({ refreshSkew: 30_000 });
    for (const path of ['/1', '/2', '/3', '/4']) api(path);
    await client.get('/1');
    now.mockReturnValue(start + 89_000);
    await client.get('/2');
    expect(token.bodies).toHaveLength(1);
    now.mockReturnValue(start + 91_000);
    await client.get('/3');
    expect(token.bodies).toHaveLength(2);
    expect(auth.tokenInfo()?.expiresAt).toBeUndefined();
    now.mockReturnValue(start + 10 * 365 * 86_400_000);
    await client.get('/4');
    expect(token.bodies).toHaveLength(2);
  });
});

describe('401 invalid_token', () => {
  it('refreshes once and replays once', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }], [200, { access_token: 'AT2' }]);
    const { client } = setup();
    const first = api('/r', 401, INVALID);
    const second = api('/r');
    await expect(client.get('/r')).resolves.toMatchObject({ status: 200 });
    expect([...first, ...second]).toEqual(['Bearer AT1', 'Bearer AT2']);
    expect(token.bodies).toHaveLength(2);
  });

  it('a second invalid_token is returned to the caller, not replayed again', async () => {
    tokenEndpoint([200, { access_token: 'AT1' }], [200, { access_token: 'AT2' }]);
    const { client } = setup();
    api('/r', 401, INVALID);
    api('/r', 401, INVALID);
    const extra = api('/r');
    const error = await client.get('/r').catch((e: unknown) => e);
    expect(isAuthenticationError(error)).toBe(true);
    expect(isOAuth2Error(error)).toBe(false);
    expect(extra).toEqual([]);
  });

  it('a 401 without invalid_token is not a reason to refresh', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }]);
    const { client } = setup();
    api('/r', 401, { 'WWW-Authenticate': 'Bearer realm="api"' });
    api('/s', 401);
    await expect(client.get('/r')).rejects.toMatchObject({ status: 401 });
    await expect(client.get('/s')).rejects.toMatchObject({ status: 401 });
    expect(token.bodies).toHaveLength(1);
  });

  it('also replays a 401 that validateStatus lets through', async () => {
    tokenEndpoint([200, { access_token: 'AT1' }], [200, { access_token: 'AT2' }]);
    const { client } = setup();
    api('/r', 401, INVALID);
    const second = api('/r');
    const res = await client.get('/r', { validateStatus: () => true });
    expect(res.status).toBe(200);
    expect(second).toEqual(['Bearer AT2']);
  });

  it('concurrent rejections share one refresh', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }], [200, { access_token: 'AT2' }]);
    const { client } = setup();
    await client.get('/warm').catch(() => undefined);
    for (let i = 0; i < 5; i++) api(`/c${i}`, 401, INVALID);
    for (let i = 0; i < 5; i++) api(`/c${i}`);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => client.get(`/c${i}`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(token.bodies).toHaveLength(2);
  });
});

describe('token endpoint errors', () => {
  it('invalid_client is an OAuth2Error (an AuthenticationError) with the code and description, no secrets', async () => {
    tokenEndpoint([401, { error: 'invalid_client', error_description: `client authentication failed for ${SECRET}` }]);
    const { client } = setup({ clientAuth: 'client_secret_post' });
    const error = await client.get('/a').catch((e: unknown) => e);
    expect(isOAuth2Error(error)).toBe(true);
    expect(isAuthenticationError(error)).toBe(true);
    if (!isOAuth2Error(error)) throw error;
    expect(error.oauthError).toBe('invalid_client');
    expect(error.oauthErrorDescription).toBe('client authentication failed for [REDACTED]');
    expect(error.grantType).toBe('client_credentials');
    expect(error.message).toContain('invalid_client');
    expect(error.message).toContain(`POST ${AUTH}/token`);
    const everything = `${error.message} ${JSON.stringify(error)} ${JSON.stringify(error.config)} ${JSON.stringify(error.response?.config)}`;
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(encodeURIComponent(SECRET));
    expect(error.toJSON()).toMatchObject({ name: 'OAuth2Error', oauthError: 'invalid_client', status: 401 });
  });

  it('invalid_grant of a password grant never shows the password', async () => {
    tokenEndpoint([
      400,
      { error: 'invalid_grant', error_description: 'bad password hunter22', error_uri: 'https://d' },
    ]);
    const { client } = setup({ flow: 'password', username: 'ann', password: 'hunter22' });
    const error = await client.get('/a').catch((e: unknown) => e);
    if (!isOAuth2Error(error)) throw error;
    expect(error.oauthError).toBe('invalid_grant');
    expect(error.oauthErrorUri).toBe('https://d');
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('hunter22');
    expect(String(error.config?.data)).toContain('password=%5BREDACTED%5D');
  });

  it('a 5xx is a ServerError, a 404 page a NotFoundError, a 200 without a token an OAuth2Error', async () => {
    tokenEndpoint([503, {}]);
    const { client } = setup();
    expect(isServerError(await client.get('/a').catch((e: unknown) => e))).toBe(true);
    nock(AUTH).post('/token').reply(404, '<html>nope</html>');
    expect(isNotFoundError(await client.get('/a').catch((e: unknown) => e))).toBe(true);
    tokenEndpoint([200, { token_type: 'Bearer' }]);
    const error = await client.get('/a').catch((e: unknown) => e);
    expect(isOAuth2Error(error) && error.message).toMatch(/no access_token/);
  });

  it('a connection failure is a ConnectionError without credentials', async () => {
    // A port nobody listens on any more.
    const server = await startServer(() => undefined);
    await server.close();
    const { client } = setup({ tokenUrl: `http://127.0.0.1:${server.port}/token` });
    const error = await client.get('/a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(JSON.stringify((error as ConnectionError).config)).not.toContain('Basic');
  });

  it('emits oauth2:token and oauth2:error without token values', async () => {
    tokenEndpoint([500, {}], [200, { access_token: 'AT-SECRET', expires_in: 60, scope: 's', refresh_token: 'RT' }]);
    const { client } = setup();
    const tokens: OAuth2TokenEvent[] = [];
    const errors: OAuth2ErrorEvent[] = [];
    client.events.on('oauth2:token', (e) => tokens.push(e));
    client.events.on('oauth2:error', (e) => errors.push(e));
    api('/b');
    await client.get('/a').catch(() => undefined);
    await client.get('/b');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.grantType).toBe('client_credentials');
    expect(tokens).toEqual([
      expect.objectContaining({
        grantType: 'client_credentials',
        tokenType: 'Bearer',
        scope: 's',
        refreshTokenIssued: true,
      }),
    ]);
    expect(JSON.stringify(tokens)).not.toMatch(/AT-SECRET|"RT"/);
  });
});

describe('refresh tokens', () => {
  // Each request happens 2 s after the previous one: every 1 s token has expired by then.
  beforeEach(() => {
    const realNow = Date.now.bind(Date);
    let offset = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
    later = () => {
      offset += 2000;
    };
  });
  let later: () => void = () => undefined;
  it('the refresh_token flow rotates: a new refresh token replaces the old one, a missing one keeps it', async () => {
    const token = tokenEndpoint(
      [200, { access_token: 'AT1', expires_in: 1, refresh_token: 'RT2' }],
      [200, { access_token: 'AT2', expires_in: 1 }],
      [200, { access_token: 'AT3', expires_in: 1 }],
    );
    const { client } = setup({ flow: 'refresh_token', refreshToken: 'RT1', refreshSkew: 5000 });
    for (const p of ['/1', '/2', '/3']) api(p);
    await client.get('/1');
    later();
    await client.get('/2');
    later();
    await client.get('/3');
    expect(token.bodies.map((b) => b.get('refresh_token'))).toEqual(['RT1', 'RT2', 'RT2']);
    expect(token.bodies.every((b) => b.get('grant_type') === 'refresh_token')).toBe(true);
  });

  it('client credentials with a refresh token start over when the refresh token is rejected', async () => {
    const token = tokenEndpoint(
      [200, { access_token: 'AT1', expires_in: 1, refresh_token: 'RT1' }],
      [400, { error: 'invalid_grant' }],
      [200, { access_token: 'AT2' }],
    );
    const { client } = setup({ refreshSkew: 5000 });
    api('/1');
    const second = api('/2');
    await client.get('/1');
    later();
    await client.get('/2');
    expect(token.bodies.map((b) => b.get('grant_type'))).toEqual([
      'client_credentials',
      'refresh_token',
      'client_credentials',
    ]);
    expect(second).toEqual(['Bearer AT2']);
  });

  it('the refresh_token flow fails with ERR_OAUTH2_NO_TOKEN once its refresh token is dead', async () => {
    tokenEndpoint([400, { error: 'invalid_grant', error_description: 'RT1 was revoked' }]);
    const { client } = setup({ flow: 'refresh_token', refreshToken: 'RT1-long-value' });
    const first = await client.get('/1').catch((e: unknown) => e);
    expect(isOAuth2Error(first) && first.oauthError).toBe('invalid_grant');
    expect(JSON.stringify(first)).not.toContain('RT1-long-value');
    const second = await client.get('/2').catch((e: unknown) => e);
    expect(isOAuth2FlowError(second) && second.code).toBe('ERR_OAUTH2_NO_TOKEN');
  });

  it('other refresh failures are passed on and the refresh token kept', async () => {
    const token = tokenEndpoint(
      [200, { access_token: 'AT1', expires_in: 1, refresh_token: 'RT1' }],
      [500, {}],
      [200, { access_token: 'AT2', expires_in: 1 }],
    );
    const { client } = setup({ flow: 'refresh_token', refreshToken: 'RT0', refreshSkew: 5000 });
    api('/1');
    api('/3');
    await client.get('/1');
    later();
    expect(isServerError(await client.get('/2').catch((e: unknown) => e))).toBe(true);
    await client.get('/3');
    expect(token.bodies.map((b) => b.get('refresh_token'))).toEqual(['RT0', 'RT1', 'RT1']);
  });
});

describe('other grants', () => {
  it('password (legacy) sends username, password and scope', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }]);
    const { client } = setup({ flow: 'password', username: 'ann', password: 'pw', scope: 'read' });
    api('/a');
    await client.get('/a');
    expect(Object.fromEntries(token.bodies[0] as URLSearchParams)).toEqual({
      grant_type: 'password',
      username: 'ann',
      password: 'pw',
      scope: 'read',
    });
  });

  it('jwt_bearer asks the signer to sign proposed claims and sends the assertion', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }]);
    const signAssertion = jest.fn(async () => 'header.payload.signature');
    const { client } = setup({
      flow: 'jwt_bearer',
      signAssertion,
      assertionSubject: 'user-7',
      clientAuth: 'none',
      clientSecret: undefined,
    });
    api('/a');
    await client.get('/a');
    const claims = (signAssertion.mock.calls[0] as unknown[])[0] as Record<string, number | string>;
    expect(claims).toMatchObject({ iss: 'my client', sub: 'user-7', aud: `${AUTH}/token` });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(token.bodies[0]?.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(token.bodies[0]?.get('assertion')).toBe('header.payload.signature');
    expect(token.bodies[0]?.get('client_id')).toBe('my client');
  });

  it('a signer that returns nothing is an OAuth2FlowError', async () => {
    const { client } = setup({ flow: 'jwt_bearer', signAssertion: () => '' });
    const error = await client.get('/a').catch((e: unknown) => e);
    expect(isOAuth2FlowError(error) && error.code).toBe('ERR_OAUTH2_ASSERTION');
  });

  it('tokenParams go with every token request', async () => {
    const token = tokenEndpoint([200, { access_token: 'AT1' }]);
    const { client } = setup({ tokenParams: { audience: 'https://api' } });
    api('/a');
    await client.get('/a');
    expect(token.bodies[0]?.get('audience')).toBe('https://api');
  });
});

describe('token stores', () => {
  function mapStore(withSetIfAbsent = false): TokenStore & { map: Map<string, unknown>; nx: number } {
    const map = new Map<string, unknown>();
    const store = {
      map,
      nx: 0,
      get: async (k: string) => map.get(k),
      set: async (k: string, v: unknown) => map.set(k, v),
      delete: async (k: string) => map.delete(k),
    };
    if (!withSetIfAbsent) return store;
    return Object.assign(store, {
      setIfAbsent: async (k: string, v: unknown) => {
        store.nx += 1;
        if (map.has(k)) return false;
        map.set(k, v);
        return true;
      },
    });
  }

  it.each([
    ['a store entry read back', false],
    ['the store’s setIfAbsent', true],
  ])('handles sharing a store refresh once (lock: %s)', async (_name, nx) => {
    const store = mapStore(nx);
    const token = tokenEndpoint([200, { access_token: 'AT1', expires_in: 3600 }]);
    const a = setup({ store, storeKey: 'k' });
    const b = setup({ store, storeKey: 'k' });
    for (let i = 0; i < 6; i++) api(`/s${i}`);
    await Promise.all([0, 1, 2].flatMap((i) => [a.client.get(`/s${i}`), b.client.get(`/s${i + 3}`)]));
    expect(token.bodies).toHaveLength(1);
    expect(store.map.get('k')).toMatchObject({ accessToken: 'AT1', tokenType: 'Bearer' });
    expect(store.map.has('k:lock')).toBe(false);
    if (nx) expect(store.nx).toBeGreaterThan(0);
  });

  it('a token another process stored is used without a token request', async () => {
    const store = mapStore();
    store.map.set('k', { accessToken: 'FROM-STORE', tokenType: 'Bearer', expiresAt: null, obtainedAt: 0 });
    const token = tokenEndpoint();
    const { client } = setup({ store, storeKey: 'k' });
    const seen = api('/a');
    await client.get('/a');
    expect(seen).toEqual(['Bearer FROM-STORE']);
    expect(token.bodies).toHaveLength(0);
  });

  it('close() wakes a request waiting for another process’s lock', async () => {
    const store = mapStore();
    store.map.set('k:lock', 'someone-else');
    const { client } = setup({ store, storeKey: 'k' });
    const pending = client.get('/a').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    await client.close();
    const error = await pending;
    expect(isOAuth2FlowError(error) && error.code).toBe('ERR_CLIENT_CLOSED');
  });
});

describe('revocation', () => {
  it('revokes the refresh token, then the access token, and forgets both', async () => {
    tokenEndpoint([200, { access_token: 'AT1', refresh_token: 'RT1' }]);
    const revoked: URLSearchParams[] = [];
    nock(AUTH)
      .post('/revoke')
      .times(2)
      .reply((_u, body) => {
        revoked.push(new URLSearchParams(String(body)));
        return [200, ''];
      });
    const { client, auth } = setup({ revocationUrl: `${AUTH}/revoke` });
    expect(await auth.getAccessToken()).toBe('AT1');
    await auth.revoke();
    expect(revoked.map((p) => [p.get('token'), p.get('token_type_hint')])).toEqual([
      ['RT1', 'refresh_token'],
      ['AT1', 'access_token'],
    ]);
    expect(auth.tokenInfo()).toBeUndefined();
    await auth.revoke(); // nothing left: no request
    void client;
  });

  it('needs a revocation endpoint on the token endpoint’s origin', async () => {
    tokenEndpoint([200, { access_token: 'AT1' }], [200, { access_token: 'AT1' }]);
    const none = setup();
    await none.auth.getAccessToken();
    await expect(none.auth.revoke()).rejects.toMatchObject({ option: 'oauth2.revocationUrl' });
    const elsewhere = setup({ revocationUrl: 'https://evil.example.test/revoke' });
    await elsewhere.auth.getAccessToken();
    await expect(elsewhere.auth.revoke()).rejects.toThrow(/token endpoint's origin/);
  });

  it('a refused revocation is an OAuth2Error', async () => {
    tokenEndpoint([200, { access_token: 'AT1' }]);
    nock(AUTH).post('/revoke').reply(400, { error: 'unsupported_token_type' });
    const { auth } = setup({ revocationUrl: `${AUTH}/revoke` });
    await auth.getAccessToken();
    const error = await auth.revoke().catch((e: unknown) => e);
    expect(isOAuth2Error(error) && error.oauthError).toBe('unsupported_token_type');
  });
});

describe('the handle', () => {
  it('needs installing first', async () => {
    const auth = oauth2({ flow: 'client_credentials', tokenUrl: `${AUTH}/token`, clientId: 'c', clientSecret: 's' });
    await expect(auth.authorize()).rejects.toMatchObject({ code: 'ERR_OAUTH2_NOT_INSTALLED' });
    expect(auth.tokenInfo()).toBeUndefined();
    expect(auth).toMatchObject({ name: 'oauth2', role: 'credentials', key: 'auth' });
  });

  it('authorize() on a non-interactive flow just gets the token', async () => {
    tokenEndpoint([200, { access_token: 'AT1', expires_in: 60, scope: 'x' }]);
    const { auth } = setup();
    await expect(auth.authorize()).resolves.toMatchObject({ tokenType: 'Bearer', scope: 'x', hasRefreshToken: false });
  });

  it('after close() the handle can be installed on a new client', async () => {
    const { auth, client } = setup();
    await client.close();
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'ERR_OAUTH2_NOT_INSTALLED' });
    const again = createClient({ baseURL: API, plugins: [auth] });
    clients.push(again);
    tokenEndpoint([200, { access_token: 'AT9' }]);
    await expect(auth.getAccessToken()).resolves.toBe('AT9');
  });
});
