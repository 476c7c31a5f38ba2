import { isClientError, isConnectionError, isHTTPError, isTimeoutError, toClientError } from '@axle/core';
import axios, { type AxiosResponse } from 'axios';
import type { Outcome } from './circuit';
import type { ErrorClass, ErrorPredicate, ResolvedCircuitBreakerOptions } from './options';

/** Whether an `excludedErrors` entry is an error class (matched with `instanceof`) rather than a predicate. */
export function isErrorClass(entry: ErrorClass | ErrorPredicate): entry is ErrorClass {
  return entry === Error || (typeof entry.prototype === 'object' && entry.prototype instanceof Error);
}

/**
 * What a failed call says about the upstream:
 *
 * - `'ignored'`: a cancellation, an `excludedErrors` match, or an error that is not about the
 *   upstream (a configuration error, an error of another layer or of user code);
 * - `'failure'`: a status in `includedStatusCodes`, a connection error, a timeout;
 * - `'success'`: any other HTTP status, 4xx included: the upstream answered.
 */
export function classifyError(error: unknown, options: ResolvedCircuitBreakerOptions): Outcome {
  if (axios.isCancel(error)) return 'ignored';
  // The core types what the transport throws; a layer of someone else's below the breaker may not.
  const typed = axios.isAxiosError(error) && !isClientError(error) ? toClientError(error) : error;
  for (const entry of options.excludedErrors) {
    if (isErrorClass(entry) ? typed instanceof entry : entry(typed)) return 'ignored';
  }
  if (isHTTPError(typed)) return options.includedStatusCodes.has(typed.status) ? 'failure' : 'success';
  if (isConnectionError(typed) || isTimeoutError(typed)) return 'failure';
  return 'ignored';
}

/** What a response says: a failure when its status is included (with a `validateStatus` that lets 5xx through). */
export function classifyResponse(response: AxiosResponse, options: ResolvedCircuitBreakerOptions): Outcome {
  return options.includedStatusCodes.has(response.status) ? 'failure' : 'success';
}
