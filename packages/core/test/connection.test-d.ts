// Type expectations for the connection and security options, checked by `tsc --noEmit`.
// A line marked @ts-expect-error fails the type check if it ever starts to compile.

import { type AuthOption, type AxleConfig, createClient, fromEnv, type RedirectHop } from '@axle/core';
import { expectTypeOf } from 'expect-type';
import { CookieJar } from 'tough-cookie';

const client = createClient({
  baseURL: 'https://api.example.com',
  auth: { type: 'bearer', token: async () => 'token', refresh: () => 'new' },
  trustedOrigins: ['https://files.example.com'],
  tls: { ca: 'pem', minVersion: 'TLSv1.3' },
  proxy: 'http://proxy:3128',
  pool: { maxSockets: 10, keepAliveTimeout: 1000 },
  cookies: new CookieJar(),
});
createClient({ auth: { username: 'u', password: 'p' }, proxy: { host: 'proxy', port: 3128 }, http2: true });
createClient({ auth: { type: 'apiKey', name: 'X-Api-Key', value: 'k', in: 'query' }, proxy: false, cookies: true });
createClient({ auth: { apply: (config) => void config.headers.set('X', '1'), refresh: async () => undefined } });
createClient({ ...fromEnv(), baseURL: 'https://api.example.com' });
expectTypeOf(fromEnv()).toEqualTypeOf<AxleConfig>();

// @ts-expect-error: a bearer token is required
createClient({ auth: { type: 'bearer' } });
// @ts-expect-error: an API key goes in a header or the query string
createClient({ auth: { type: 'apiKey', name: 'k', value: 'v', in: 'cookie' } });
// @ts-expect-error: TLS versions are named
createClient({ tls: { minVersion: '1.3' } });
// @ts-expect-error: extend cannot change the credentials or the pool
client.extend({ auth: { type: 'bearer', token: 't' } });

const auth: AuthOption = { type: 'bearer', token: 't' };
void auth;

void (async () => {
  const response = await client.get('/x');
  expectTypeOf(response.redirects).toEqualTypeOf<readonly RedirectHop[] | undefined>();
})();
