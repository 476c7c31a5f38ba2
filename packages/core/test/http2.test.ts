import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createClient } from '@axle/core';
import { selfSignedCert } from '../../../test-support/tls';

it('sends requests over HTTP/2 with http2: true, with the tls settings, and follows redirects', async () => {
  const cert = selfSignedCert();
  const server = http2.createSecureServer({ key: cert.key, cert: cert.cert });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => sessions.add(session));
  server.on('stream', (stream, headers) => {
    if (headers[':path'] === '/old') {
      stream.respond({ ':status': 301, location: '/h2' });
      stream.end();
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ path: headers[':path'], auth: headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = createClient({
    baseURL: url,
    http2: true,
    tls: { ca: cert.cert },
    auth: { type: 'bearer', token: 'h2-token' },
  });
  const response = await api.get('/h2');
  expect(response.data).toEqual({ path: '/h2', auth: 'Bearer h2-token' });
  expect(sessions.size).toBe(1);
  const redirected = await api.get('/old');
  expect(redirected.data).toEqual({ path: '/h2', auth: 'Bearer h2-token' });
  expect(redirected.redirects).toEqual([{ url: `${url}/old`, status: 301, location: `${url}/h2` }]);
  await api.close();
  for (const session of sessions) session.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
