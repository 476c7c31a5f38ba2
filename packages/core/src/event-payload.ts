import { inspect } from 'node:util';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { ClientError, requestUrl } from './client-error';
import { rulesOf } from './log-record';
import { redactHeaders, redactUrl } from './redact';
import type { RedirectHop } from './redirects';
import { requestIdOf } from './request-id';

/**
 * What every core event payload offers besides its fields: the request described safely (method,
 * redacted URL, request ID), computed only when read, and a redacted JSON form. `JSON.stringify`,
 * pino, winston and `console.log` print that form, never the live `config` (with its headers).
 *
 * @example
 * ```ts
 * api.events.on('retry', (info) => logger.warn(info.toJSON(), `retrying ${info.method} ${info.url}`));
 * ```
 */
export interface RequestDescription {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The full URL with credentials redacted (the `redact` rules included). */
  readonly url: string;
  /** The request's `X-Request-ID`, when it has one. */
  readonly requestId: string | undefined;
  /** A redacted plain form: method, URL, request ID, the payload's fields; no config, headers redacted. */
  toJSON(): Record<string, unknown>;
}

/** The base of core event payloads: own fields as declared, safe descriptions on the prototype. */
export abstract class EventPayload implements RequestDescription {
  abstract readonly config: InternalAxiosRequestConfig;

  get method(): string {
    return (this.config.method ?? 'get').toUpperCase();
  }

  get url(): string {
    return redactUrl(requestUrl(this.config) ?? '', rulesOf(this.config));
  }

  get requestId(): string | undefined {
    return requestIdOf(this.config.headers);
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { method: this.method, url: this.url };
    const requestId = this.requestId;
    if (requestId !== undefined) out.requestId = requestId;
    for (const [key, value] of Object.entries(this)) {
      if (key === 'config') continue;
      if (key === 'response') {
        const response = value as AxiosResponse;
        out.response = { status: response.status, headers: redactHeaders(response.headers, rulesOf(this.config)) };
      } else if (key === 'error') {
        out.error = describeError(value);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}

function describeError(error: unknown): unknown {
  if (error instanceof ClientError) return error.toJSON();
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: redactUrl(error.message), ...(typeof code === 'string' ? { code } : {}) };
  }
  return String(error);
}

/** The `request` event's payload. */
export class RequestPayload extends EventPayload {
  constructor(
    readonly config: InternalAxiosRequestConfig,
    readonly attempt: number,
  ) {
    super();
  }
}

/** The `response` event's payload. */
export class ResponsePayload extends EventPayload {
  constructor(
    readonly config: InternalAxiosRequestConfig,
    readonly response: AxiosResponse,
    readonly attempt: number,
    readonly durationMs: number,
  ) {
    super();
  }
}

/** The `error` event's payload. */
export class ErrorPayload extends EventPayload {
  constructor(
    readonly config: InternalAxiosRequestConfig,
    readonly error: unknown,
    readonly attempt: number,
    readonly durationMs: number,
  ) {
    super();
  }
}

/** The `retry` event's payload, also given to `onRetry`. */
export class RetryPayload extends EventPayload {
  constructor(
    readonly config: InternalAxiosRequestConfig,
    readonly error: unknown,
    readonly attempt: number,
    readonly delay: number,
    readonly reason: number | string,
  ) {
    super();
  }
}

/** The `redirect` event's payload: one hop of a request's redirects, its URLs redacted. */
export class RedirectPayload extends EventPayload {
  /** Which redirect of the attempt this is: 1 for the first. */
  readonly hop: number;
  /** The status of the redirect response. */
  readonly status: number;
  /** The URL that answered with the redirect, redacted. */
  readonly from: string;
  /** Where it sent the request, redacted. */
  readonly to: string;

  constructor(
    readonly config: InternalAxiosRequestConfig,
    redirect: RedirectHop,
    hop: number,
    readonly attempt: number,
  ) {
    super();
    const rules = rulesOf(config);
    this.hop = hop;
    this.status = redirect.status;
    this.from = redactUrl(redirect.url, rules);
    this.to = redactUrl(redirect.location, rules);
  }
}
