import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2FlowError } from './oauth2-error';

/** What the loopback listener received: the authorization code. */
export interface LoopbackResult {
  readonly code: string;
}

/** A listener on 127.0.0.1 waiting for one authorization redirect (RFC 8252 §7.3). */
export interface LoopbackListener {
  readonly redirectUri: string;
  /** Resolves with the code of the redirect whose `state` matches; rejects on error or timeout. */
  readonly result: Promise<LoopbackResult>;
  /** Stops listening (the pending `result` rejects with `ERR_OAUTH2_CANCELLED`). */
  close(): void;
}

const PAGE = (text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>axle</title></head><body><p>${text}</p></body></html>`;

/**
 * Listens on 127.0.0.1 for the authorization server's redirect. The listener closes itself after
 * the first redirect with the right `state`, an error redirect, or `timeout` ms.
 */
export async function startLoopback(
  port: number,
  path: string,
  state: string,
  timeout: number,
): Promise<LoopbackListener> {
  let settle: { resolve: (r: LoopbackResult) => void; reject: (e: unknown) => void } | undefined;
  const result = new Promise<LoopbackResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may be awaiting yet; the rejection is delivered to whoever awaits `result`.
  result.catch(() => undefined);
  let redirectUri = '';
  let timer: NodeJS.Timeout | undefined;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== path) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    const params = url.searchParams;
    // A redirect for another authorization attempt (or a forged one) is ignored, not fatal.
    if (params.get('state') !== state) {
      res.writeHead(400, { 'Content-Type': 'text/html' }).end(PAGE('This sign-in link is not the one expected.'));
      return;
    }
    const error = params.get('error');
    const code = params.get('code');
    res.setHeader('Connection', 'close');
    if (error !== null || code === null) {
      res.writeHead(400, { 'Content-Type': 'text/html' }).end(PAGE('Sign-in failed. You can close this window.'));
      const description = params.get('error_description') ?? undefined;
      finish(
        new OAuth2FlowError(
          `OAuth2 authorization failed (${error ?? 'no code'}${description ? `: ${description}` : ''})`,
          {
            code: 'ERR_OAUTH2_AUTHORIZATION',
            oauthError: error ?? 'invalid_request',
            ...(description === undefined ? {} : { oauthErrorDescription: description }),
            method: 'GET',
            url: redirectUri,
          },
        ),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE('Signed in. You can close this window.'));
    finish(undefined, { code });
  });

  const finish = (error: unknown, value?: LoopbackResult): void => {
    if (settle === undefined) return;
    const { resolve, reject } = settle;
    settle = undefined;
    if (timer !== undefined) clearTimeout(timer);
    server.close();
    server.closeIdleConnections();
    if (error === undefined) resolve(value as LoopbackResult);
    else reject(error);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new OAuth2FlowError(
      `OAuth2 loopback redirect listener could not listen on 127.0.0.1:${port} (${error instanceof Error ? error.message : String(error)})`,
      { code: 'ERR_OAUTH2_LOOPBACK', cause: error },
    );
  });
  const address = server.address() as AddressInfo;
  redirectUri = `http://127.0.0.1:${address.port}${path}`;
  timer = setTimeout(() => {
    finish(
      new OAuth2FlowError(`OAuth2 authorization was not completed within ${timeout} ms`, {
        code: 'ERR_OAUTH2_TIMEOUT',
        method: 'GET',
        url: redirectUri,
      }),
    );
  }, timeout);
  timer.unref();

  return {
    redirectUri,
    result,
    close: () =>
      finish(
        new OAuth2FlowError('OAuth2 authorization was cancelled', {
          code: 'ERR_OAUTH2_CANCELLED',
          method: 'GET',
          url: redirectUri,
        }),
      ),
  };
}
