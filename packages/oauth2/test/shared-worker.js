// A worker process for the shared-store test: loads the TypeScript sources through @swc/core,
// sends its requests with a token shared through Redis (Keyv), then reports.
require('../../../test-support/load-axle-sources');

const { createClient } = require('@axle/core');
const { oauth2 } = require('@axle/oauth2');
const { Keyv } = require('keyv');
const KeyvRedis = require('@keyv/redis').default;

process.once('message', async ({ apiUrl, tokenUrl, namespace, count }) => {
  const store = new Keyv({ store: new KeyvRedis('redis://127.0.0.1:6379', { connectionTimeout: 2000 }), namespace });
  const auth = oauth2({
    flow: 'client_credentials',
    tokenUrl,
    clientId: 'svc-basic',
    clientSecret: 'svc-basic-secret-0123456789',
    refreshSkew: 0,
    store,
    storeKey: 'svc',
  });
  const api = createClient({ baseURL: apiUrl, retry: false, plugins: [auth] });
  const run = async () => {
    await Promise.all(Array.from({ length: count }, (_, i) => api.get(`/w${i}`)));
  };
  try {
    process.send({ ready: true });
    for (;;) {
      const message = await new Promise((r) => process.once('message', r));
      if (message.stop) break;
      await run();
      process.send({ ok: true });
    }
  } catch (error) {
    process.send({ ok: false, error: String(error) });
  } finally {
    await api.close();
    await store.disconnect();
  }
});
