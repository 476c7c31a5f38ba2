import http from 'node:http';
import { ConfigurationError, createClient, definePlugin, isConfigurationError } from '@axle/core';

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createClient rejects invalid options at once, naming the option and what would be valid', () => {
  it.each([
    [
      { baseURL: 'localhost:3000' },
      'baseURL',
      /Invalid baseURL "localhost:3000": expected an absolute http:\/\/ or https:\/\/ URL/,
    ],
    [{ baseURL: 'ftp://files.example.com' }, 'baseURL', /Invalid baseURL/],
    [{ baseURL: 'not a url' }, 'baseURL', /Invalid baseURL/],
    [{ baseURL: 42 }, 'baseURL', /Invalid baseURL: expected an absolute .* got number 42/],
    [{ timeout: -1 }, 'timeout', /Invalid timeout: expected a number of milliseconds, 0 or more .* got number -1/],
    [{ timeout: Number.NaN }, 'timeout', /Invalid timeout/],
    [{ timeout: '100' }, 'timeout', /got "100"/],
    [{ maxRedirects: 1.5 }, 'maxRedirects', /Invalid maxRedirects: expected a whole number, 0 or more/],
    [{ maxContentLength: -2 }, 'maxContentLength', /or -1 for no limit/],
    [{ maxBodyLength: 'big' }, 'maxBodyLength', /Invalid maxBodyLength/],
    [{ validateStatus: 200 }, 'validateStatus', /a function \(status\) => boolean, or null/],
    [{ throwHttpErrors: [700] }, 'throwHttpErrors', /a list of statuses \(100-599\)/],
    [{ throwHttpErrors: 'yes' }, 'throwHttpErrors', /Invalid throwHttpErrors/],
    [{ headers: 'Accept: x' }, 'headers', /Invalid headers/],
    [{ httpAgent: 'agent' }, 'httpAgent', /an http\(s\)\.Agent/],
    [{ plugins: {} }, 'plugins', /plugins must be an array of plugin handles; got an object/],
    [{ plugins: [{ name: 'x' }] }, 'plugins[0].role', /plugins\[0\]\.role of plugin "x" must be one of/],
    [{ plugins: [() => undefined] }, 'plugins[0]', /plugins\[0\] must be a plugin object/],
    [{ hooks: [] }, 'hooks', /hooks must be an object/],
    [{ hooks: { before: [] } }, 'hooks.before', /hooks\.before is not a hook; use hooks\.request or hooks\.response/],
    [{ hooks: { request: [1] } }, 'hooks.request[0]', /Invalid hooks\.request\[0\]: expected a function/],
    [{ hooks: { response: () => undefined } }, 'hooks.response', /expected an array of functions/],
    [{ middleware: ['x'] }, 'middleware[0]', /Invalid middleware\[0\]/],
    [{ baseUrl: 'http://x' }, 'baseUrl', /Unknown option "baseUrl": did you mean "baseURL"\?/],
    [{ max_redirects: 2 }, 'max_redirects', /did you mean "maxRedirects"/],
    [{ ThrowHttpErrors: false }, 'ThrowHttpErrors', /did you mean "throwHttpErrors"/],
  ])('%p', (options, option, message) => {
    const error = configError(() => createClient(options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
    expect(error).toBeInstanceOf(ConfigurationError);
  });

  it('rejects a non-object', () => {
    expect(configError(() => createClient('http://x' as never)).message).toMatch(
      /options must be an object; got "http:\/\/x"/,
    );
    expect(configError(() => createClient(null as never)).option).toBe('options');
  });

  it('rejects a plugin listed twice', () => {
    const plugin = definePlugin({ name: 'same', role: 'extension', install: () => undefined });
    expect(configError(() => createClient({ plugins: [plugin, plugin] })).message).toMatch(
      /plugin "same" is listed twice/,
    );
  });

  it('accepts every valid form, and unknown keys that are not typos (interceptors read them)', async () => {
    const agent = new http.Agent();
    const clients = [
      createClient(),
      createClient({ baseURL: 'https://api.example.com/v1', timeout: 0, maxRedirects: 0, maxContentLength: -1 }),
      createClient({ baseURL: 'http://127.0.0.1:8080', throwHttpErrors: [404, 410], validateStatus: null }),
      createClient({ throwHttpErrors: (status) => status >= 500, httpAgent: agent, hooks: {} }),
      createClient({ metadata: { team: 'x' } } as never),
    ];
    await Promise.all(clients.map((client) => client.close()));
    agent.destroy();
  });
});
