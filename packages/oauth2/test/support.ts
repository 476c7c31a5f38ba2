import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import axios from 'axios';
import { startServer, type TestServer } from '../../../test-support/http-server';

/** A real OpenID provider (oidc-provider) in a child process. */
export interface Provider {
  readonly issuer: string;
  stats(): Promise<{
    token: number;
    device: number;
    revocation: number;
    tokenBodies: { body: string; authorization: string | null }[];
  }>;
  /** Whether the provider still considers `token` active (RFC 7662 introspection). */
  active(token: string): Promise<boolean>;
  close(): Promise<void>;
}

const plain = axios.create({
  validateStatus: () => true,
  maxRedirects: 0,
  httpAgent: new http.Agent({ keepAlive: false }),
});

export async function startProvider(accessTokenTtl = 300): Promise<Provider> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'provider', 'oidc-provider.mjs')], {
    env: { ...process.env, PROVIDER_TTL: String(accessTokenTtl), NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`provider did not start: ${stderr}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`provider exited with ${code}: ${stderr}`));
    });
  });
  return {
    issuer,
    stats: async () => (await plain.get(`${issuer}/__stats`)).data,
    active: async (token) => {
      const res = await plain.post(`${issuer}/token/introspection`, new URLSearchParams({ token }).toString(), {
        auth: { username: 'rs', password: 'rs-secret-0123456789' },
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      return res.data.active === true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A resource server: answers 200 with the token's introspection when the provider says it is
 * active, and 401 `WWW-Authenticate: Bearer error="invalid_token"` otherwise.
 */
export async function startApi(
  provider: Provider,
  { introspect = true } = {},
): Promise<TestServer & { tokens: (string | undefined)[] }> {
  const tokens: (string | undefined)[] = [];
  const server = await startServer((req, res) => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    tokens.push(token);
    if (token === undefined) {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="api"' }).end();
      return;
    }
    if (!introspect) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      return;
    }
    provider.active(token).then(
      (active) => {
        if (active) res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
        else res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' }).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  return Object.assign(server, { tokens });
}

/**
 * A scripted browser for the provider's development login and consent pages: follows redirects
 * (including the final one to the loopback listener), keeps cookies, and submits every form it
 * meets (login as `user`, consent, the device confirmation). Returns the last page.
 */
export async function browse(start: string, user = 'alice'): Promise<{ status: number; url: string; html: string }> {
  const jar = new Map<string, string>();
  let url = start;
  let method: 'GET' | 'POST' = 'GET';
  let body: string | undefined;
  for (let i = 0; i < 30; i++) {
    const res = await plain.request({
      url,
      method,
      data: body,
      responseType: 'text',
      headers: {
        Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
    });
    for (const cookie of (res.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair] = cookie.split(';');
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq);
      const value = (pair as string).slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    if (res.status >= 300 && res.status < 400) {
      url = new URL(String(res.headers.location), url).href;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = String(res.data);
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (form === null || res.status !== 200) return { status: res.status, url, html };
    const fields = new URLSearchParams();
    for (const input of (form[2] as string).matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
      const name = /name="([^"]+)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
      if (name) fields.set(name, value);
    }
    if (/name="login"/.test(form[2] as string)) {
      fields.set('login', user);
      fields.set('password', 'any');
    }
    url = new URL((form[1] as string).replace(/&amp;/g, '&'), url).href;
    method = 'POST';
    body = fields.toString();
  }
  throw new Error('browse: too many steps');
}
