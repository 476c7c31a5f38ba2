import { isOAuth2Error, OAuth2FlowError } from './oauth2-error';
import type { DeviceUserCode, ResolvedOAuth2Options } from './options';
import type { DeviceAuthorizationResponse, TokenEndpoint } from './token-endpoint';
import type { TokenInfo, TokenManager } from './token-manager';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval. */
const SLOW_DOWN_STEP = 5000;

/**
 * A started device authorization (RFC 8628): show `userCode` and `verificationUri` to the user,
 * then `wait()` for the token while axle polls the token endpoint.
 *
 * @example
 * ```ts
 * const device = await auth.deviceAuthorization();
 * console.log(`Open ${device.verificationUri} and enter ${device.userCode}`);
 * await device.wait();
 * ```
 */
export interface DeviceAuthorization extends DeviceUserCode {
  /** The current polling interval in ms (grows by 5000 on each `slow_down`). */
  readonly interval: number;
  /**
   * Polls until the user approves (resolves with the token's description), denies
   * (`OAuth2Error` `access_denied`), or the code expires (`OAuth2Error` or `OAuth2FlowError`
   * `expired_token`). Calling it again returns the same promise.
   */
  wait(): Promise<TokenInfo>;
  /** Stops polling; `wait()` rejects with `ERR_OAUTH2_CANCELLED`. */
  cancel(): void;
}

/** Starts polling for a device authorization; `onEnd` runs once polling stops. */
export function deviceAuthorization(
  response: DeviceAuthorizationResponse,
  options: ResolvedOAuth2Options,
  endpoint: TokenEndpoint,
  manager: TokenManager,
  onEnd: (handle: DeviceAuthorization) => void,
): DeviceAuthorization {
  const expiresAt = Date.now() + Number(response.expires_in) * 1000;
  const serverInterval = Number(response.interval);
  let interval = Number.isFinite(serverInterval) && serverInterval > 0 ? serverInterval * 1000 : options.pollInterval;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let cancelled = false;
  let waiting: Promise<TokenInfo> | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });

  const expired = () =>
    new OAuth2FlowError('OAuth2 device code expired before the user approved it', {
      code: 'ERR_OAUTH2_EXPIRED',
      oauthError: 'expired_token',
    });

  const poll = async (): Promise<TokenInfo> => {
    try {
      for (;;) {
        if (!cancelled) await sleep(Math.min(interval, Math.max(0, expiresAt - Date.now())));
        if (cancelled)
          throw new OAuth2FlowError('OAuth2 device authorization was cancelled', { code: 'ERR_OAUTH2_CANCELLED' });
        if (Date.now() >= expiresAt) throw expired();
        try {
          const token = await endpoint.token({ grant_type: DEVICE_CODE_GRANT, device_code: response.device_code }, [
            response.device_code,
          ]);
          await manager.save(token, DEVICE_CODE_GRANT);
          return manager.info() as TokenInfo;
        } catch (error) {
          if (isOAuth2Error(error) && error.oauthError === 'authorization_pending') continue;
          if (isOAuth2Error(error) && error.oauthError === 'slow_down') {
            interval += SLOW_DOWN_STEP;
            continue;
          }
          manager.reportError(DEVICE_CODE_GRANT, error);
          throw error;
        }
      }
    } finally {
      onEnd(handle);
    }
  };

  const handle: DeviceAuthorization = {
    userCode: response.user_code,
    verificationUri: response.verification_uri,
    verificationUriComplete: response.verification_uri_complete,
    expiresAt,
    get interval() {
      return interval;
    },
    wait() {
      waiting ??= poll();
      return waiting;
    },
    cancel() {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
    },
  };
  return handle;
}
