import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { type AxleInstance, createClient, isConfigurationError } from '@axle/core';
import nock from 'nock';
import { isOAuth2Error, isOAuth2FlowError, type OAuth2Options, oauth2 } from '../src';

const AUTH = 'https://auth.example.test';
const API = 'https://api.example.test';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const clients: AxleInstance[] = [];
// nock patches node:http for the whole Jest worker: undo it, or the test files that run next in
// this worker lose keep-alive (every request would get a new connection).
afterAll(() => nock.restore());
afterEach(async () => {
  jest.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  nock.cleanAll();
});

function setup(options: Partial<OAuth2Options>) {
  const auth = oauth2({ tokenUrl: `${AUTH}/token`, clientId: 'cli', ...options } as OAuth2Options);
  const client = createClient({ baseURL: API, plugins: [auth], retry: false });
  clients.push(client);
  return { auth, client };
}

function deviceEndpoint(body: object = {}) {
  const bodies: URLSearchParams[] = [];
  nock(AUTH)
    .post('/device')
    .reply((_u, b) => {
      bodies.push(new URLSearchParams(String(b)));
      return [
        200,
        {
          device_code: 'DEVICE-CODE-123',
          user_code: 'ABCD-EFGH',
          verification_uri: `${AUTH}/activate`,
          verification_uri_complete: `${AUTH}/activate?user_code=ABCD-EFGH`,
          expires_in: 600,
          ...body,
        },
      ];
    });
  return bodies;
}

function polls(...replies: [number, object][]) {
  const times: number[] = [];
  const bodies: URLSearchParams[] = [];
  for (const [status, body] of replies) {
    nock(AUTH)
      .post('/token')
      .reply((_u, b) => {
        times.push(Date.now());
        bodies.push(new URLSearchParams(String(b)));
        return [status, body];
      });
  }
  return { times, bodies };
}

describe('device authorization grant (RFC 8628)', () => {
  it('shows the code through onUserCode, waits out authorization_pending, then uses the token', async () => {
    const onUserCode = jest.fn();
    const requested = deviceEndpoint();
    const token = polls(
      [400, { error: 'authorization_pending' }],
      [400, { error: 'authorization_pending' }],
      [200, { access_token: 'AT-DEV', refresh_token: 'RT', expires_in: 60 }],
    );
    const { auth, client } = setup({
      flow: 'device_code',
      deviceAuthorizationUrl: `${AUTH}/device`,
      scope: 'offline_access',
      pollInterval: 20,
      onUserCode,
    });
    await expect(auth.authorize()).resolves.toMatchObject({ hasRefreshToken: true });
    expect(onUserCode).toHaveBeenCalledWith({
      userCode: 'ABCD-EFGH',
      verificationUri: `${AUTH}/activate`,
      verificationUriComplete: `${AUTH}/activate?user_code=ABCD-EFGH`,
      expiresAt: expect.any(Number),
    });
    expect(requested[0]?.get('client_id')).toBe('cli');
    expect(requested[0]?.get('scope')).toBe('offline_access');
    expect(token.bodies.map((b) => b.get('grant_type'))).toEqual([DEVICE_GRANT, DEVICE_GRANT, DEVICE_GRANT]);
    expect(token.bodies[0]?.get('device_code')).toBe('DEVICE-CODE-123');
    const seen: unknown[] = [];
    nock(API)
      .get('/me')
      .reply(function reply() {
        seen.push(this.req.headers.authorization);
        return [200, {}];
      });
    await client.get('/me');
    expect(seen).toEqual(['Bearer AT-DEV']);
  });

  it('honours the server interval and adds 5 s on slow_down', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'] });
    deviceEndpoint({ interval: 2 });
    const token = polls(
      [400, { error: 'slow_down' }],
      [400, { error: 'authorization_pending' }],
      [200, { access_token: 'AT' }],
    );
    const { auth } = setup({ flow: 'device_code', deviceAuthorizationUrl: `${AUTH}/device` });
    const device = await auth.deviceAuthorization();
    expect(device.interval).toBe(2000);
    const start = Date.now();
    const done = device.wait();
    done.catch(() => undefined);
    // Fake time moves in 10 ms steps; between steps the event loop runs the token requests,
    // whose I/O callbacks fake timers do not drive.
    const until = async (condition: () => boolean) => {
      const deadline = performance.now() + 10_000;
      while (!condition() && performance.now() < deadline) {
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        await jest.advanceTimersByTimeAsync(10);
      }
      expect(condition()).toBe(true);
    };
    await until(() => device.interval === 7000);
    expect(token.times).toHaveLength(1);
    await until(() => token.times.length === 3);
    await expect(done).resolves.toMatchObject({ tokenType: 'Bearer' });
    const [first = 0, second = 0, third = 0] = token.times.map((t) => t - start);
    expect(first).toBeGreaterThanOrEqual(2000);
    expect(first).toBeLessThan(3000);
    // slow_down: 2 s + 5 s from then on (plus the fake time that passes while a response is read).
    expect(second - first).toBeGreaterThanOrEqual(7000);
    expect(second - first).toBeLessThan(8000);
    expect(third - second).toBeGreaterThanOrEqual(7000);
    expect(third - second).toBeLessThan(8000);
    expect(device.wait()).toBe(done);
  });

  it('expired_token from the server is an OAuth2Error', async () => {
    deviceEndpoint();
    polls([400, { error: 'expired_token', error_description: 'the device code expired' }]);
    const { auth, client } = setup({ flow: 'device_code', deviceAuthorizationUrl: `${AUTH}/device`, pollInterval: 10 });
    const errors: unknown[] = [];
    client.events.on('oauth2:error', ({ error }) => errors.push(error));
    const error = await auth.authorize().catch((e: unknown) => e);
    expect(isOAuth2Error(error) && error.oauthError).toBe('expired_token');
    expect(errors).toEqual([error]);
    expect(JSON.stringify(error)).not.toContain('DEVICE-CODE-123');
  });

  it('a code that expires while pending is an OAuth2FlowError expired_token', async () => {
    deviceEndpoint({ expires_in: 0.15 });
    nock(AUTH).post('/token').times(20).reply(400, { error: 'authorization_pending' });
    const { auth } = setup({ flow: 'device_code', deviceAuthorizationUrl: `${AUTH}/device`, pollInterval: 40 });
    const error = await auth.authorize().catch((e: unknown) => e);
    expect(isOAuth2FlowError(error) && error.oauthError).toBe('expired_token');
  });

  it('cancel() and client.close() stop polling', async () => {
    deviceEndpoint();
    deviceEndpoint();
    nock(AUTH).post('/token').times(50).reply(400, { error: 'authorization_pending' });
    const { auth, client } = setup({ flow: 'device_code', deviceAuthorizationUrl: `${AUTH}/device`, pollInterval: 10 });
    const first = await auth.deviceAuthorization();
    const waiting = first.wait().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    first.cancel();
    expect(isOAuth2FlowError(await waiting) && ((await waiting) as { code: string }).code).toBe('ERR_OAUTH2_CANCELLED');
    const second = await auth.deviceAuthorization();
    const pending = second.wait().catch((e: unknown) => e);
    await client.close();
    expect(await pending).toMatchObject({ code: 'ERR_OAUTH2_CANCELLED' });
  });

  it('deviceAuthorization() needs the device flow and a device endpoint', async () => {
    const wrong = setup({ flow: 'client_credentials', clientSecret: 's' });
    await expect(wrong.auth.deviceAuthorization()).rejects.toMatchObject({ option: 'oauth2.flow' });
    const missing = setup({ flow: 'device_code' });
    await expect(missing.auth.deviceAuthorization()).rejects.toMatchObject({ option: 'oauth2.deviceAuthorizationUrl' });
    const elsewhere = setup({
      flow: 'device_code',
      clientSecret: 's',
      deviceAuthorizationUrl: 'https://elsewhere.example.test/device',
    });
    await expect(elsewhere.auth.deviceAuthorization()).rejects.toThrow(/token endpoint's origin/);
  });

  it('requests before the user approves fail with ERR_OAUTH2_NO_TOKEN', async () => {
    const { client } = setup({ flow: 'device_code', deviceAuthorizationUrl: `${AUTH}/device` });
    const error = await client.get('/x').catch((e: unknown) => e);
    expect(isOAuth2FlowError(error) && error.code).toBe('ERR_OAUTH2_NO_TOKEN');
    expect((error as Error).message).toMatch(/authorize\(\)/);
  });
});

/** A GET over a raw socket: nock intercepts http.get and fetch in this process, not net. */
function rawGet(port: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    let raw = '';
    socket.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    socket.on('end', () =>
      resolve({ status: Number(raw.split(' ')[1]), body: raw.slice(raw.indexOf('\r\n\r\n') + 4) }),
    );
    socket.on('error', reject);
  });
}

/** Follows the authorization URL as the browser would after the user signs in. */
function redirectBack(url: string, params: Record<string, string>, state = new URL(url).searchParams.get('state')) {
  const redirect = new URL(new URL(url).searchParams.get('redirect_uri') as string);
  for (const [k, v] of Object.entries({ ...params, state: state ?? '' })) redirect.searchParams.set(k, v);
  return rawGet(redirect.port, `${redirect.pathname}${redirect.search}`);
}

describe('authorization code + PKCE', () => {
  function codeExchange() {
    const bodies: URLSearchParams[] = [];
    nock(AUTH)
      .post('/token')
      .reply((_u, b) => {
        bodies.push(new URLSearchParams(String(b)));
        return [200, { access_token: 'AT-CODE', refresh_token: 'RT', expires_in: 300 }];
      });
    return bodies;
  }

  it('loopback: opens the browser, ignores a redirect with another state, exchanges the code with the verifier', async () => {
    const bodies = codeExchange();
    const pages: { status: number; body: string }[] = [];
    const { auth } = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize?tenant=t1`,
      scope: 'openid',
      authorizationParams: { prompt: 'login' },
      openBrowser: async (url) => {
        pages.push(await redirectBack(url, { code: 'forged' }, 'other-state'));
        setTimeout(() => void redirectBack(url, { code: 'CODE-1' }).then((p) => pages.push(p)), 10);
      },
    });
    const opened = '';
    const info = await auth.authorize();
    expect(info.hasRefreshToken).toBe(true);
    expect(pages[0]?.status).toBe(400);
    const exchange = bodies[0] as URLSearchParams;
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code')).toBe('CODE-1');
    expect(exchange.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    void opened;
  });

  it('sends an S256 challenge of the verifier it later sends', async () => {
    const bodies = codeExchange();
    let opened = '';
    const { auth } = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      openBrowser: (url) => {
        opened = url;
        void redirectBack(url, { code: 'C' });
      },
    });
    await auth.authorize();
    const params = new URL(opened).searchParams;
    const verifier = bodies[0]?.get('code_verifier') as string;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('code_challenge')).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('cli');
  });

  it('the listener answers 404 elsewhere, and a redirect without a code is an error', async () => {
    const { auth } = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      openBrowser: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri') as string);
        const other = await rawGet(redirect.port, '/favicon.ico');
        expect(other.status).toBe(404);
        void redirectBack(url, {});
      },
    });
    const error = await auth.authorize().catch((e: unknown) => e);
    expect(isOAuth2FlowError(error) && error.oauthError).toBe('invalid_request');
  });

  it('an error redirect (access_denied) is an OAuth2FlowError and the listener closes', async () => {
    let redirectUri = '';
    const { auth } = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      openBrowser: (url) => {
        redirectUri = new URL(url).searchParams.get('redirect_uri') as string;
        void redirectBack(url, { error: 'access_denied', error_description: 'the user said no' });
      },
    });
    const error = await auth.authorize().catch((e: unknown) => e);
    expect(isOAuth2FlowError(error) && error.oauthError).toBe('access_denied');
    expect((error as { oauthErrorDescription: string }).oauthErrorDescription).toBe('the user said no');
    const port = Number(new URL(redirectUri).port);
    await expect(
      new Promise<void>((resolve, reject) => net.connect(port, '127.0.0.1', () => resolve()).on('error', reject)),
    ).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('times out after authorizationTimeout, and close() cancels a pending sign-in', async () => {
    const slow = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      authorizationTimeout: 50,
      openBrowser: () => undefined,
    });
    await expect(slow.auth.authorize()).rejects.toMatchObject({ code: 'ERR_OAUTH2_TIMEOUT' });
    const pending = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      openBrowser: () => undefined,
    });
    const waiting = pending.auth.authorize().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await pending.client.close();
    expect(await waiting).toMatchObject({ code: 'ERR_OAUTH2_CANCELLED' });
  });

  it('needs openBrowser and an authorization endpoint; a busy port is a clear error', async () => {
    const noBrowser = setup({ flow: 'authorization_code', authorizationUrl: `${AUTH}/authorize` });
    await expect(noBrowser.auth.authorize()).rejects.toMatchObject({ option: 'oauth2.openBrowser' });
    const noEndpoint = setup({ flow: 'authorization_code', openBrowser: () => undefined });
    await expect(noEndpoint.auth.authorize()).rejects.toMatchObject({ option: 'oauth2.authorizationUrl' });
    const busy = http.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const taken = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      redirectPort: port,
      openBrowser: () => undefined,
    });
    await expect(taken.auth.authorize()).rejects.toMatchObject({ code: 'ERR_OAUTH2_LOOPBACK' });
    await new Promise((r) => busy.close(r));
  });

  it('a failing openBrowser closes the listener and rejects', async () => {
    const { auth } = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      openBrowser: () => {
        throw new Error('no browser here');
      },
    });
    await expect(auth.authorize()).rejects.toThrow('no browser here');
  });

  it('headless: authorizationUrl() then exchangeCode() with the redirect URL or the bare code', async () => {
    const { auth } = setup({
      flow: 'authorization_code',
      authorizationUrl: `${AUTH}/authorize`,
      redirectUri: 'https://app.example.test/cb',
    });
    const first = await auth.authorizationUrl();
    expect(new URL(first.url).searchParams.get('redirect_uri')).toBe('https://app.example.test/cb');
    await expect(auth.exchangeCode(`https://app.example.test/cb?code=C&state=wrong`)).rejects.toMatchObject({
      code: 'ERR_OAUTH2_STATE',
    });
    await expect(
      auth.exchangeCode(`https://app.example.test/cb?error=access_denied&state=${first.state}`),
    ).rejects.toMatchObject({
      oauthError: 'access_denied',
    });
    const bodies = codeExchange();
    await expect(auth.exchangeCode(`https://app.example.test/cb?code=C1&state=${first.state}`)).resolves.toMatchObject({
      hasRefreshToken: true,
    });
    expect(bodies[0]?.get('redirect_uri')).toBe('https://app.example.test/cb');
    // The request is used up.
    await expect(auth.exchangeCode(`https://app.example.test/cb?code=C1&state=${first.state}`)).rejects.toMatchObject({
      code: 'ERR_OAUTH2_STATE',
    });
    await auth.authorizationUrl();
    const again = codeExchange();
    await auth.exchangeCode('BARE-CODE');
    expect(again[0]?.get('code')).toBe('BARE-CODE');
    await expect(auth.exchangeCode('')).rejects.toMatchObject({ code: 'ERR_OAUTH2_AUTHORIZATION' });
    await expect(auth.exchangeCode('ANOTHER')).rejects.toMatchObject({ code: 'ERR_OAUTH2_STATE' });
  });

  it('headless needs redirectUri and the authorization_code flow', async () => {
    const { auth } = setup({ flow: 'authorization_code', authorizationUrl: `${AUTH}/authorize` });
    await expect(auth.authorizationUrl()).rejects.toMatchObject({ option: 'oauth2.redirectUri' });
    const other = setup({ flow: 'client_credentials', clientSecret: 's' });
    const error = await other.auth.exchangeCode('x').catch((e: unknown) => e);
    expect(isConfigurationError(error)).toBe(true);
  });
});

describe('discovery', () => {
  it('an unreachable issuer is an OAuth2FlowError with the cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const { auth } = setup({
      flow: 'client_credentials',
      clientSecret: 's',
      tokenUrl: undefined,
      issuer: `http://127.0.0.1:${port}`,
    });
    const error = await auth.getAccessToken().catch((e: unknown) => e);
    expect(isOAuth2FlowError(error) && error.message).toMatch(/could not be reached/);
    expect((error as { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });

  const metadata = (issuer: string) => ({
    issuer,
    token_endpoint: `${AUTH}/oauth/token`,
    authorization_endpoint: `${AUTH}/oauth/authorize`,
    revocation_endpoint: `${AUTH}/oauth/revoke`,
  });

  it('falls back to RFC 8414 metadata (path inserted after the well-known prefix)', async () => {
    nock(AUTH).get('/tenant/.well-known/openid-configuration').reply(404);
    nock(AUTH)
      .get('/.well-known/oauth-authorization-server/tenant')
      .reply(200, metadata(`${AUTH}/tenant`));
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'AT' });
    const { auth } = setup({
      flow: 'client_credentials',
      clientSecret: 's',
      tokenUrl: undefined,
      issuer: `${AUTH}/tenant/`,
    });
    await expect(auth.getAccessToken()).resolves.toBe('AT');
  });

  it('explicit URLs win over discovered ones', async () => {
    nock(AUTH).get('/.well-known/openid-configuration').reply(200, metadata(AUTH));
    nock(AUTH).post('/token').reply(200, { access_token: 'AT' });
    const { auth } = setup({ flow: 'client_credentials', clientSecret: 's', issuer: AUTH });
    await expect(auth.getAccessToken()).resolves.toBe('AT');
  });

  it('metadata of another issuer is refused; a failed discovery is retried later', async () => {
    nock(AUTH).get('/.well-known/openid-configuration').reply(200, metadata('https://evil.example.test'));
    const { auth } = setup({ flow: 'client_credentials', clientSecret: 's', tokenUrl: undefined, issuer: AUTH });
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'ERR_OAUTH2_DISCOVERY' });
    nock(AUTH).get('/.well-known/openid-configuration').reply(500);
    nock(AUTH).get('/.well-known/oauth-authorization-server').reply(200, { issuer: AUTH });
    await expect(auth.getAccessToken()).rejects.toThrow(/no token_endpoint/);
    nock(AUTH).get('/.well-known/openid-configuration').reply(500);
    nock(AUTH).get('/.well-known/oauth-authorization-server').reply(404);
    const failed = await auth.getAccessToken().catch((e: unknown) => e);
    expect(isOAuth2FlowError(failed) && failed.message).toMatch(/discovery failed .*answered 404/);
    nock(AUTH).get('/.well-known/openid-configuration').reply(200, metadata(AUTH));
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'AT' });
    await expect(auth.getAccessToken()).resolves.toBe('AT');
  });
});
