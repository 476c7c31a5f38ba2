import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { requestUrl } from './client-error';
import type { LogRecord } from './logger';
import { type RedactRule, redactHeaders, redactUrl, sampleBody } from './redact';
import { requestIdOf } from './request-id';

/** The `redact` rules a request config carries, if any. */
export function rulesOf(config: InternalAxiosRequestConfig): readonly RedactRule[] | undefined {
  const rules = (config as { redact?: unknown }).redact;
  return Array.isArray(rules) && rules.length > 0 ? (rules as RedactRule[]) : undefined;
}

/**
 * The fields every log record of a request starts with: event, method, redacted URL, the request
 * ID when there is one, and the attempt.
 */
export function baseRecord(
  event: string,
  config: InternalAxiosRequestConfig,
  attempt?: number,
): { -readonly [K in keyof LogRecord]: LogRecord[K] } {
  const url = redactUrl(requestUrl(config) ?? '', rulesOf(config));
  const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
    event,
    method: (config.method ?? 'get').toUpperCase(),
    url,
  };
  const id = requestIdOf(config.headers);
  if (id !== undefined) record.requestId = id;
  if (attempt !== undefined) record.attempt = attempt;
  return record;
}

/** DEBUG details of a request: redacted headers, and a body sample when `logBodyBytes` > 0. */
export function requestDetails(record: Record<string, unknown>, config: InternalAxiosRequestConfig, bodyBytes: number) {
  const rules = rulesOf(config);
  record.headers = redactHeaders(config.headers, rules);
  const body = sampleBody(config.data, bodyBytes, rules);
  if (body !== undefined) record.body = body;
}

/** DEBUG details of a response: redacted headers, and a body sample when `logBodyBytes` > 0. */
export function responseDetails(record: Record<string, unknown>, response: AxiosResponse, bodyBytes: number) {
  const rules = response.config ? rulesOf(response.config) : undefined;
  record.status = response.status;
  record.responseHeaders = redactHeaders(response.headers, rules);
  const body = sampleBody(response.data, bodyBytes, rules);
  if (body !== undefined) record.responseBody = body;
}

/** A short, redacted description of an error for a log record. */
export function errorFields(record: Record<string, unknown>, error: unknown): void {
  if (error instanceof Error) {
    record.error = error.name;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') record.code = code;
    const status = (error as { response?: { status?: unknown } }).response?.status;
    if (typeof status === 'number') record.status = status;
    // Axle errors redact their messages; others may quote a URL.
    record.errorMessage = redactUrl(error.message);
  } else {
    record.error = typeof error;
  }
}
