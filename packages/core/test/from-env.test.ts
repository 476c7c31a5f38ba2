import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigurationError, createClient, fromEnv } from '@axle/core';
import { startServer, type TestServer } from '../../../test-support/http-server';

const SECRET = 'env-Key31secret';
let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ path: req.url, key: req.headers['x-api-key'] ?? null, auth: req.headers.authorization ?? null }),
    );
  });
});

afterAll(() => server.close());

const message = (fn: () => unknown): ConfigurationError => {
  try {
    fn();
  } catch (error) {
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
};

describe('fromEnv', () => {
  it('reads every variable, checked, into client options', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'axle-env-'));
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
    try {
      const config = fromEnv('AXLE_', {
        AXLE_BASE_URL: 'https://api.example.com/v1',
        AXLE_TIMEOUT: '2500',
        AXLE_API_KEY: SECRET,
        AXLE_API_KEY_HEADER: 'X-Service-Key',
        AXLE_PROXY: 'http://proxy.internal:3128',
        AXLE_CA_FILE: caFile,
        AXLE_RETRIES: '5',
        OTHER_BASE_URL: 'https://ignored.example.com',
      });
      expect(config).toEqual({
        baseURL: 'https://api.example.com/v1',
        timeout: 2500,
        auth: { type: 'apiKey', name: 'X-Service-Key', value: SECRET, in: 'header' },
        proxy: 'http://proxy.internal:3128',
        tls: { ca: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n' },
        retry: { retries: 5 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(fromEnv('SVC_', { SVC_BEARER_TOKEN: SECRET, SVC_TIMEOUT: '' })).toEqual({
      auth: { type: 'bearer', token: SECRET },
    });
    expect(fromEnv(undefined, {})).toEqual({});
  });

  it('reads process.env by default', () => {
    process.env.AXLE_TEST_ONLY_RETRIES = '2';
    try {
      expect(fromEnv('AXLE_TEST_ONLY_')).toEqual({ retry: { retries: 2 } });
    } finally {
      delete process.env.AXLE_TEST_ONLY_RETRIES;
    }
  });

  it.each([
    ['AXLE_BASE_URL', 'localhost:3000', /AXLE_BASE_URL: expected an absolute http/],
    ['AXLE_TIMEOUT', '5s', /AXLE_TIMEOUT: expected a whole number \(got "5s"\)/],
    ['AXLE_TIMEOUT', '999999999999', /AXLE_TIMEOUT: expected at most/],
    ['AXLE_RETRIES', '-1', /AXLE_RETRIES: expected a whole number/],
    ['AXLE_PROXY', 'ftp://x', /AXLE_PROXY: expected an http/],
    ['AXLE_API_KEY_HEADER', 'bad header', /AXLE_API_KEY_HEADER: expected a header name/],
    ['AXLE_CA_FILE', '/nonexistent/ca.pem', /AXLE_CA_FILE: cannot read "\/nonexistent\/ca.pem" \(ENOENT\)/],
  ])('rejects an invalid %s with a ConfigurationError naming it', (name, value, pattern) => {
    const error = message(() =>
      fromEnv('AXLE_', { [name]: value, AXLE_API_KEY: name === 'AXLE_API_KEY_HEADER' ? SECRET : undefined }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.option).toBe(name);
    expect(error.message).toMatch(pattern);
  });

  it('never shows a secret in its errors', () => {
    const both = message(() => fromEnv('AXLE_', { AXLE_API_KEY: SECRET, AXLE_BEARER_TOKEN: SECRET }));
    expect(both.message).toMatch(/only one of AXLE_API_KEY and AXLE_BEARER_TOKEN/);
    const proxy = message(() => fromEnv('AXLE_', { AXLE_PROXY: `ftp://u:${SECRET}@h` }));
    expect(proxy.option).toBe('AXLE_PROXY');
    for (const error of [both, proxy]) {
      expect(error.message).not.toContain(SECRET);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    }
  });

  it('precedence: per request > client options > environment > defaults', async () => {
    const env = { AXLE_BASE_URL: `${server.url}/from-env`, AXLE_API_KEY: SECRET, AXLE_RETRIES: '1' };
    // Defaults: nothing set anywhere.
    const bare = createClient({ ...fromEnv('AXLE_', {}), baseURL: server.url });
    expect((await bare.get('/x')).data).toEqual({ path: '/x', key: null, auth: null });
    await bare.close();
    // Environment over defaults.
    const fromEnvOnly = createClient(fromEnv('AXLE_', env));
    expect((await fromEnvOnly.get('x')).data).toEqual({ path: '/from-env/x', key: SECRET, auth: null });
    await fromEnvOnly.close();
    // Client options over the environment; per request over the client.
    const api = createClient({
      ...fromEnv('AXLE_', env),
      baseURL: `${server.url}/from-client`,
      auth: { type: 'bearer', token: 'client-token' },
    });
    expect((await api.get('x')).data).toEqual({ path: '/from-client/x', key: null, auth: 'Bearer client-token' });
    const perRequest = await api.get('x', {
      baseURL: `${server.url}/from-request`,
      auth: { username: 'u', password: 'p' },
    });
    expect(perRequest.data.path).toBe('/from-request/x');
    expect(perRequest.data.auth).toMatch(/^Basic /);
    await api.close();
  });
});
