// Response validation with zod: the response phase's schema step.

import { type AxleInstance, createClient, isValidationError, NotFoundError, ValidationError } from '@axle/core';
import { z } from 'zod';
import { sendJson, startServer, type TestServer } from '../../../test-support/http-server';

let server: TestServer;
let api: AxleInstance;

const User = z.object({ id: z.number(), name: z.string(), email: z.email() });

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/user':
        return sendJson(res, 200, { id: 1, name: 'Ann', email: 'ann@example.com', role: 'admin' });
      case '/bad-user':
        return sendJson(res, 200, { id: '1', name: null, email: 'nope', tags: [1] });
      case '/users':
        return sendJson(res, 200, [{ id: 1, name: 'A', email: 'a@example.com' }, { id: 'x' }]);
      case '/missing':
        return sendJson(res, 404, { error: 'not found' });
      default:
        return sendJson(res, 200, { id: '42', when: '2026-01-01T00:00:00Z' });
    }
  });
});

beforeEach(() => {
  api = createClient({ baseURL: server.url, retry: false });
});

afterEach(async () => {
  await api.close();
});

afterAll(async () => {
  await server.close();
});

describe('schema', () => {
  it('validates response.data and gives zod’s output (unknown keys stripped by z.object)', async () => {
    const { data } = await api.get('/user', { schema: User });
    expect(data).toEqual({ id: 1, name: 'Ann', email: 'ann@example.com' });
  });

  it('strict and lax as zod does it: strictObject rejects unknown keys, looseObject keeps them', async () => {
    const strict = await api.get('/user', { schema: z.strictObject(User.shape) }).catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(ValidationError);
    expect((strict as ValidationError).issues[0]).toMatchObject({ code: 'unrecognized_keys', path: [] });
    const { data } = await api.get('/user', { schema: z.looseObject(User.shape) });
    expect(data).toMatchObject({ role: 'admin' });
  });

  it('coercion and transforms apply', async () => {
    const Coerced = z.object({ id: z.coerce.number(), when: z.iso.datetime().transform((s) => new Date(s)) });
    const { data } = await api.get('/', { schema: Coerced });
    expect(data.id).toBe(42);
    expect(data.when).toBeInstanceOf(Date);
  });

  it('a failure is a ValidationError with field-level issues (path, expected, received) and the response', async () => {
    const error = (await api.get('/bad-user', { schema: User }).catch((e: unknown) => e)) as ValidationError;
    expect(isValidationError(error)).toBe(true);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['id'], code: 'invalid_type', expected: 'number', received: 'string' }),
        expect.objectContaining({ path: ['name'], code: 'invalid_type', expected: 'string', received: 'null' }),
        expect.objectContaining({ path: ['email'], code: 'invalid_format' }),
      ]),
    );
    expect(error.message).toContain('id: expected number, received string');
    expect(error.message).toContain(`GET ${server.url}/bad-user`);
    expect(error.message).toContain('status 200');
    expect(error.response?.status).toBe(200);
    expect(error.response?.data).toMatchObject({ id: '1' });
    expect(error.toJSON().issues).toHaveLength(error.issues.length);
  });

  it('paths reach into arrays', async () => {
    const error = (await api.get('/users', { schema: z.array(User) }).catch((e: unknown) => e)) as ValidationError;
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        [1, 'id'],
        [1, 'name'],
      ]),
    );
  });

  it('async refinements work on responses', async () => {
    const schema = User.refine(async (u) => u.id > 5, { message: 'id too small' });
    const error = (await api.get('/user', { schema }).catch((e: unknown) => e)) as ValidationError;
    expect(error.issues[0]?.message).toBe('id too small');
  });

  it('an HTTP error stays an HTTP error: the schema is for the success body', async () => {
    await expect(api.get('/missing', { schema: User })).rejects.toThrow(NotFoundError);
  });

  it('schema: false turns it off; no schema means no validation', async () => {
    const off = await api.get('/bad-user', { schema: false });
    expect(off.data).toMatchObject({ id: '1' });
    const none = await api.get('/bad-user');
    expect(none.data).toMatchObject({ id: '1' });
  });

  it('a validation failure is not retried', async () => {
    const retrying = createClient({ baseURL: server.url, retry: { retries: 2, baseDelay: 1 } });
    const before = server.requests.length;
    await expect(retrying.get('/bad-user', { schema: User })).rejects.toThrow(ValidationError);
    expect(server.requests.length - before).toBe(1);
    await retrying.close();
  });

  it('works with post, request and hooks see the validated data', async () => {
    const seen: unknown[] = [];
    const hooked = createClient({ baseURL: server.url, hooks: { response: [(r) => void seen.push(r.data)] } });
    const posted = await hooked.post('/user', { a: 1 }, { schema: User });
    expect(posted.data.name).toBe('Ann');
    const requested = await hooked.request({ url: '/user', schema: User });
    expect(requested.data.id).toBe(1);
    expect(seen).toEqual([posted.data, requested.data]);
    await hooked.close();
  });
});
