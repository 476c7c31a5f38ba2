import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ClientError, ConfigurationError, ConnectionError, createClient } from '@axle/core';
import { selfSignedCert } from '../../../test-support/tls';

interface HttpsServer {
  url: string;
  close(): Promise<void>;
  /** The subject CN of the client certificate of the last request, if any. */
  lastClientCert?: string;
}

async function startHttps(options: https.ServerOptions): Promise<HttpsServer> {
  const state: HttpsServer = { url: '', close: async () => undefined };
  const server = https.createServer(options, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    state.lastClientCert = peer && Object.keys(peer).length > 0 ? String(peer.subject?.CN) : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ tls: (req.socket as TLSSocket).getProtocol() }));
  });
  const sockets = new Set<import('node:stream').Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

const serverCert = selfSignedCert();
const clientCert = selfSignedCert();
let plain: HttpsServer;
let mutual: HttpsServer;
let tls12: HttpsServer;

beforeAll(async () => {
  plain = await startHttps({ key: serverCert.key, cert: serverCert.cert });
  mutual = await startHttps({
    key: serverCert.key,
    cert: serverCert.cert,
    requestCert: true,
    rejectUnauthorized: true,
    ca: clientCert.cert,
  });
  tls12 = await startHttps({ key: serverCert.key, cert: serverCert.cert, maxVersion: 'TLSv1.2' });
});

afterAll(async () => {
  await plain.close();
  await mutual.close();
  await tls12.close();
});

describe('TLS', () => {
  it('rejects a self-signed server by default, and accepts it with its certificate as ca', async () => {
    const strict = createClient({ baseURL: plain.url, retry: false });
    const error = await strict.get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    await strict.close();
    const trusting = createClient({ baseURL: plain.url, tls: { ca: serverCert.cert } });
    expect((await trusting.get('/')).status).toBe(200);
    await trusting.close();
  });

  it('does mutual TLS: the server that requires a client certificate gets it', async () => {
    const without = createClient({ baseURL: mutual.url, tls: { ca: serverCert.cert }, retry: false });
    await expect(without.get('/')).rejects.toBeInstanceOf(ClientError);
    await without.close();
    const withCert = createClient({
      baseURL: mutual.url,
      tls: { ca: [serverCert.cert], cert: clientCert.cert, key: Buffer.from(clientCert.key) },
    });
    expect((await withCert.get('/')).status).toBe(200);
    expect(mutual.lastClientCert).toBe('localhost');
    await withCert.close();
  });

  it("refuses a TLS 1.2-only server with minVersion: 'TLSv1.3'", async () => {
    const lax = createClient({ baseURL: tls12.url, tls: { ca: serverCert.cert } });
    expect((await lax.get('/')).data.tls).toBe('TLSv1.2');
    await lax.close();
    const strict = createClient({
      baseURL: tls12.url,
      tls: { ca: serverCert.cert, minVersion: 'TLSv1.3' },
      retry: false,
    });
    const error = (await strict.get('/').catch((e: unknown) => e)) as ClientError;
    expect(error).toBeInstanceOf(ClientError);
    expect(String(error.code)).toMatch(/PROTOCOL|VERSION|EPROTO/);
    await strict.close();
  });

  it('with rejectUnauthorized: false accepts any certificate and warns once per client', async () => {
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (...args: unknown[]) => warnings.push(args), error() {} };
    const api = createClient({ baseURL: plain.url, tls: { rejectUnauthorized: false }, logger });
    await api.get('/');
    await api.get('/');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toMatch(/rejectUnauthorized is false/);
    await api.close();
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    // From the source, not '@axle/core': the test run's DEBUG audit hook gives every client made
    // through the package entry a logger, and this case is about a client without one.
    const { createClient: bareCreateClient } =
      jest.requireActual<typeof import('../src/create-client')>('../src/create-client');
    const quiet = bareCreateClient({ baseURL: plain.url, tls: { rejectUnauthorized: false } });
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0]?.[1]).toEqual({ code: 'AXLE_TLS_VERIFY_OFF' });
    await quiet.close();
  });

  it('checks tls options at creation, without showing key material', () => {
    expect(() => createClient({ tls: 'x' as never })).toThrow(ConfigurationError);
    expect(() => createClient({ tls: { minVersion: 'TLSv9' as never } })).toThrow(/tls\.minVersion/);
    expect(() => createClient({ tls: { rejectUnauthorized: 'no' as never } })).toThrow(/tls\.rejectUnauthorized/);
    expect(() => createClient({ tls: { verify: false } as never })).toThrow(/did you mean "tls\.rejectUnauthorized"/);
    expect(() => createClient({ tls: { min_version: 'TLSv1.3' } as never })).toThrow(/did you mean "tls\.minVersion"/);
    expect(() => createClient({ tls: { ciphers: 'x' } as never })).toThrow(/expected one of ca, cert/);
    expect(() => createClient({ tls: { passphrase: 1 as never } })).toThrow(/tls\.passphrase/);
    expect(() => createClient({ tls: { servername: '' } })).toThrow(/tls\.servername/);
    let message = '';
    try {
      createClient({ tls: { key: [42] as never } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/tls\.key/);
    expect(() => createClient({ tls: { ca: 'x' }, httpsAgent: new https.Agent() })).toThrow(/httpsAgent/);
  });

  it('uses servername for SNI and the certificate check', async () => {
    const api = createClient({ baseURL: plain.url, tls: { ca: serverCert.cert, servername: 'localhost' } });
    expect((await api.get('/')).status).toBe(200);
    await api.close();
  });
});
