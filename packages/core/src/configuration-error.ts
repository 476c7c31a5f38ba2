import { ClientError, type ClientErrorJSON, type ClientErrorOptions } from './client-error';

/** What a `ConfigurationError` is built from. */
export interface ConfigurationErrorOptions extends ClientErrorOptions {
  /** The option at fault, as a path (`'timeout'`, `'plugins[1].install'`). */
  option?: string;
}

/**
 * An option is invalid. Thrown by `createClient` (and `extend`) for client options, and as a
 * rejection for a per-request option; the message names the option and what would be valid.
 *
 * @example
 * ```ts
 * try { createClient({ timeout: -1 }); }
 * catch (err) { if (isConfigurationError(err)) console.error(err.option, err.message); }
 * ```
 */
export class ConfigurationError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'ConfigurationError';
  /** The option at fault, or `undefined`. */
  readonly option: string | undefined;

  constructor(message: string, options: ConfigurationErrorOptions = {}) {
    super(message, { code: 'ERR_BAD_OPTION_VALUE', ...options });
    this.option = options.option;
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), option: this.option };
  }
}
