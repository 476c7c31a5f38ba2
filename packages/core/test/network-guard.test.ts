// The test setup blocks every connection that is not to a loopback address: prove it.
import { ConnectionError, createClient } from '@axle/core';

it('a request to a non-loopback address fails without leaving the machine', async () => {
  const api = createClient();
  const error = await api.get('http://192.0.2.1/').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectionError);
  expect((error as ConnectionError).message).toContain('network-guard');
  await api.close();
});
