import { randomUUID } from 'node:crypto';
import type { AxleEvents } from '@axle/core';
import type { OAuth2ErrorEvent, OAuth2TokenEvent } from './augment';
import { isOAuth2Error, OAuth2FlowError } from './oauth2-error';
import type { ResolvedOAuth2Options } from './options';
import { randomToken } from './pkce';
import { type StoreLock, storeLock } from './store-lock';
import type { TokenEndpoint, TokenResponse } from './token-endpoint';
import { isStoredToken, MemoryTokenStore, type StoredToken, type TokenStore } from './token-store';

/**
 * What the handle tells about the current token: never the token itself.
 *
 * @example
 * ```ts
 * const info = auth.tokenInfo(); // { tokenType: 'Bearer', expiresAt: 1767225600000, scope: 'api:read', hasRefreshToken: false }
 * ```
 */
export interface TokenInfo {
  readonly tokenType: string;
  /** Ms since the epoch; `undefined` when the server sent no `expires_in`. */
  readonly expiresAt: number | undefined;
  readonly scope: string | undefined;
  readonly hasRefreshToken: boolean;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** How often a process waiting for another's refresh looks at the store. */
const LOCK_POLL_MS = 50;

/**
 * Keeps the access token: hands out a fresh one, refreshes it `refreshSkew` ms before it expires,
 * once for any number of callers, and, with a shared store, once for several processes.
 */
export class TokenManager {
  readonly #options: ResolvedOAuth2Options;
  readonly #endpoint: TokenEndpoint;
  readonly #events: AxleEvents;
  readonly #store: TokenStore;
  readonly #shared: boolean;
  readonly #owner = randomUUID();
  readonly #locks: StoreLock;
  readonly #sleeps = new Map<NodeJS.Timeout, () => void>();
  #current: StoredToken | undefined;
  /** The `refresh_token` flow's starting token, until it is used up (rotated or rejected). */
  #seed: string | undefined;
  #inflight: Promise<StoredToken> | undefined;
  #closed = false;

  constructor(options: ResolvedOAuth2Options, endpoint: TokenEndpoint, events: AxleEvents) {
    this.#options = options;
    this.#endpoint = endpoint;
    this.#events = events;
    this.#shared = options.store !== undefined;
    this.#seed = options.flow === 'refresh_token' ? options.refreshToken : undefined;
    this.#store = options.store ?? new MemoryTokenStore();
    this.#locks = storeLock(this.#store, (ms) => this.#sleep(ms));
  }

  /** The current token's description, or `undefined` before the first one. */
  info(): TokenInfo | undefined {
    const t = this.#current;
    return t === undefined
      ? undefined
      : {
          tokenType: t.tokenType,
          expiresAt: t.expiresAt,
          scope: t.scope,
          hasRefreshToken: t.refreshToken !== undefined,
        };
  }

  /** A token that is not about to expire: the one held, or a new one (one request for all callers). */
  token(): Promise<StoredToken> {
    const current = this.#current;
    if (current !== undefined && this.#fresh(current)) return Promise.resolve(current);
    return this.#once(undefined);
  }

  /** A token other than `rejected` (the server answered `invalid_token` to it). */
  replacing(rejected: string): Promise<StoredToken> {
    const current = this.#current;
    if (current !== undefined && current.accessToken !== rejected && this.#fresh(current)) {
      return Promise.resolve(current);
    }
    return this.#once(rejected);
  }

  /** Saves a token obtained by an interactive flow and announces it. */
  async save(response: TokenResponse, grantType: string): Promise<StoredToken> {
    return this.#keep(response, grantType, undefined);
  }

  /** Runs a token request, announcing success or failure on the client's events. */
  async request(params: Record<string, string>, secrets: readonly string[]): Promise<TokenResponse> {
    try {
      return await this.#endpoint.token(params, secrets);
    } catch (error) {
      this.reportError(params.grant_type as string, error);
      throw error;
    }
  }

  /** Revokes the refresh token and the access token (RFC 7009), then forgets them. */
  async revoke(): Promise<void> {
    const token = this.#current ?? (await this.#load());
    if (token === undefined) return;
    if (token.refreshToken !== undefined) await this.#endpoint.revoke(token.refreshToken, 'refresh_token');
    await this.#endpoint.revoke(token.accessToken, 'access_token');
    this.#current = undefined;
    await this.#store.delete(this.#options.storeKey);
  }

  /** Stops waits on the shared lock. */
  close(): void {
    this.#closed = true;
    // Waiters wake up now and see the closed flag.
    for (const [timer, wake] of this.#sleeps) {
      clearTimeout(timer);
      wake();
    }
    this.#sleeps.clear();
  }

  #fresh(token: StoredToken): boolean {
    if (token.expiresAt === undefined) return true;
    // A token that lives less than twice the skew is refreshed at half its life, not at every use.
    const lifetime =
      typeof token.obtainedAt === 'number' ? token.expiresAt - token.obtainedAt : Number.POSITIVE_INFINITY;
    const skew = Math.min(this.#options.refreshSkew, lifetime / 2);
    return token.expiresAt - skew > Date.now();
  }

  #usable(token: StoredToken | undefined, rejected: string | undefined): token is StoredToken {
    return token !== undefined && token.accessToken !== rejected && this.#fresh(token);
  }

  #once(rejected: string | undefined): Promise<StoredToken> {
    if (this.#inflight === undefined) {
      const flight = this.#obtain(rejected);
      this.#inflight = flight;
      const clear = () => {
        if (this.#inflight === flight) this.#inflight = undefined;
      };
      flight.then(clear, clear);
    }
    return this.#inflight;
  }

  async #obtain(rejected: string | undefined): Promise<StoredToken> {
    const stored = await this.#load();
    if (this.#usable(stored, rejected)) return this.#adopt(stored);
    if (!this.#shared) return this.#renew(stored ?? this.#current, rejected);
    for (;;) {
      if (this.#closed) throw closedError();
      if (await this.#lock()) {
        if (this.#closed) {
          await this.#unlock();
          throw closedError();
        }
        try {
          // Another process may have refreshed between our read and the lock.
          const latest = await this.#load();
          if (this.#usable(latest, rejected)) return this.#adopt(latest);
          return await this.#renew(latest ?? stored ?? this.#current, rejected);
        } finally {
          await this.#unlock();
        }
      }
      await this.#sleep(LOCK_POLL_MS + Math.floor(Math.random() * LOCK_POLL_MS));
      const seen = await this.#load();
      if (this.#usable(seen, rejected)) return this.#adopt(seen);
    }
  }

  #adopt(token: StoredToken): StoredToken {
    this.#current = token;
    return token;
  }

  async #renew(previous: StoredToken | undefined, rejected: string | undefined): Promise<StoredToken> {
    const refreshToken = previous?.refreshToken ?? this.#seed;
    if (refreshToken !== undefined) {
      try {
        const response = await this.request({ grant_type: 'refresh_token', refresh_token: refreshToken }, [
          refreshToken,
        ]);
        if (refreshToken === this.#seed) this.#seed = undefined;
        return await this.#keep(response, 'refresh_token', refreshToken);
      } catch (error) {
        // A dead refresh token (expired, revoked, reused) is dropped, so the next call does not
        // send it again; grants that need no user start over.
        if (!isOAuth2Error(error) || error.oauthError !== 'invalid_grant') throw error;
        await this.#forget(refreshToken);
        if (!this.#canGrantAlone()) throw error;
      }
    }
    return this.#grant(rejected);
  }

  #canGrantAlone(): boolean {
    const flow = this.#options.flow;
    return flow === 'client_credentials' || flow === 'password' || flow === 'jwt_bearer';
  }

  async #grant(rejected: string | undefined): Promise<StoredToken> {
    const o = this.#options;
    const scope: Record<string, string> = o.scope === undefined ? {} : { scope: o.scope };
    switch (o.flow) {
      case 'client_credentials':
        return this.#keep(await this.request({ grant_type: 'client_credentials', ...scope }, []), 'client_credentials');
      case 'password': {
        const password = o.password as string;
        const params = { grant_type: 'password', username: o.username as string, password, ...scope };
        return this.#keep(await this.request(params, [password]), 'password');
      }
      case 'jwt_bearer': {
        const { tokenUrl } = await this.#endpoint.endpoints();
        const now = Math.floor(Date.now() / 1000);
        const assertion = await (o.signAssertion as NonNullable<typeof o.signAssertion>)({
          iss: o.clientId,
          sub: o.assertionSubject ?? o.clientId,
          aud: tokenUrl,
          iat: now,
          exp: now + Math.ceil(o.assertionLifetime / 1000),
          jti: randomToken(),
        });
        if (typeof assertion !== 'string' || assertion === '') {
          throw new OAuth2FlowError('oauth2.signAssertion returned no assertion (it must return a compact JWT)', {
            code: 'ERR_OAUTH2_ASSERTION',
          });
        }
        return this.#keep(await this.request({ grant_type: JWT_BEARER, assertion, ...scope }, [assertion]), JWT_BEARER);
      }
      default: {
        const interactive = o.flow === 'authorization_code' || o.flow === 'device_code';
        throw new OAuth2FlowError(
          interactive
            ? `OAuth2 ${o.flow} flow has no ${rejected === undefined ? '' : 'valid '}token yet: call auth.authorize() first`
            : 'OAuth2 refresh_token flow has no usable refresh token left (the server rejected it)',
          { code: 'ERR_OAUTH2_NO_TOKEN' },
        );
      }
    }
  }

  async #keep(response: TokenResponse, grantType: string, usedRefreshToken?: string): Promise<StoredToken> {
    const now = Date.now();
    const expiresIn = Number(response.expires_in);
    const type = response.token_type ?? 'Bearer';
    const token: StoredToken = {
      accessToken: response.access_token,
      tokenType: type.toLowerCase() === 'bearer' ? 'Bearer' : type,
      expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : undefined,
      obtainedAt: now,
      // Rotation: a new refresh token replaces the old one; without one, the old one stays valid.
      ...(response.refresh_token !== undefined
        ? { refreshToken: response.refresh_token }
        : usedRefreshToken !== undefined
          ? { refreshToken: usedRefreshToken }
          : {}),
      ...(typeof response.scope === 'string' ? { scope: response.scope } : {}),
      ...(typeof response.id_token === 'string' ? { idToken: response.id_token } : {}),
    };
    this.#current = token;
    // Without a refresh token the entry is useless once expired; with one it must outlive it.
    const ttl = token.refreshToken === undefined && token.expiresAt !== undefined ? token.expiresAt - now : undefined;
    await this.#store.set(this.#options.storeKey, token, ttl);
    if (this.#events.listenerCount('oauth2:token') > 0) {
      const event: OAuth2TokenEvent = {
        grantType,
        tokenType: token.tokenType,
        expiresAt: token.expiresAt,
        scope: token.scope,
        refreshTokenIssued: response.refresh_token !== undefined,
      };
      this.#events.emit('oauth2:token', event);
    }
    return token;
  }

  async #forget(refreshToken: string): Promise<void> {
    if (this.#seed === refreshToken) this.#seed = undefined;
    if (this.#current?.refreshToken === refreshToken) this.#current = undefined;
    const stored = await this.#load();
    if (stored?.refreshToken === refreshToken) await this.#store.delete(this.#options.storeKey);
  }

  /** Announces a failed token request on the client's events. */
  reportError(grantType: string, error: unknown): void {
    if (this.#events.listenerCount('oauth2:error') === 0) return;
    const event: OAuth2ErrorEvent = { grantType, error };
    this.#events.emit('oauth2:error', event);
  }

  async #load(): Promise<StoredToken | undefined> {
    const value = await this.#store.get(this.#options.storeKey);
    if (!isStoredToken(value)) return undefined;
    // JSON stores turn `undefined` into a missing key and keep `null`; both mean "no expiry".
    return value.expiresAt === null ? { ...value, expiresAt: undefined } : value;
  }

  #lock(): Promise<boolean> {
    return this.#locks.acquire(`${this.#options.storeKey}:lock`, this.#owner, this.#options.lockTimeout);
  }

  #unlock(): Promise<void> {
    return this.#locks.release(`${this.#options.storeKey}:lock`, this.#owner);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeps.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.#sleeps.set(timer, resolve);
    });
  }
}

function closedError(): OAuth2FlowError {
  return new OAuth2FlowError('Client is closed; the token refresh was abandoned', { code: 'ERR_CLIENT_CLOSED' });
}
