// A real OpenID provider for the tests (oidc-provider is ESM-only, so it runs here, in a child
// process). It listens on 127.0.0.1 on a free port and prints {"issuer": ...} on stdout.
// PROVIDER_TTL (seconds) sets the access token lifetime. GET /__stats counts token requests.
import http from 'node:http';
import Provider from 'oidc-provider';

const ttl = Number(process.env.PROVIDER_TTL ?? 300);
const stats = { token: 0, device: 0, revocation: 0, tokenBodies: [] };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'svc-basic',
      client_secret: 'svc-basic-secret-0123456789',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api:read api:write',
    },
    {
      client_id: 'svc-post',
      client_secret: 'svc-post-secret-0123456789',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'api:read',
    },
    {
      client_id: 'cli',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    },
    {
      client_id: 'rs',
      client_secret: 'rs-secret-0123456789',
      grant_types: [],
      redirect_uris: [],
      response_types: [],
    },
  ],
  features: {
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: true },
  },
  scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
  ttl: {
    AccessToken: ttl,
    ClientCredentials: ttl,
    RefreshToken: 3600,
    DeviceCode: 120,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 600,
    Grant: 3600,
    IdToken: 300,
  },
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  pkce: { required: () => true },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
});
provider.on('server_error', (_ctx, error) => process.stderr.write(`server_error ${error.stack}\n`));

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url === '/__stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  if (req.method === 'POST') {
    if (req.url === '/token') {
      stats.token += 1;
      // The raw body, to check what the client sent (the provider reads it from the stream too).
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () =>
        stats.tokenBodies.push({
          body: Buffer.concat(chunks).toString(),
          authorization: req.headers.authorization ?? null,
        }),
      );
    }
    if (req.url === '/device/auth') stats.device += 1;
    if (req.url === '/token/revocation') stats.revocation += 1;
  }
  callback(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
