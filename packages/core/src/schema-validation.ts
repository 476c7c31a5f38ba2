import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import { ConfigurationError } from './configuration-error';
import { ValidationError, type ValidationIssue } from './validation-error';

/** A zod schema (any `z.ZodType`): what `schema` and `requestSchema` take. */
export type Schema = z.ZodType;

/** Whether `value` looks like a zod schema (it can `safeParse`). */
export function isSchema(value: unknown): value is Schema {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Schema).safeParse === 'function' &&
    typeof (value as Schema).safeParseAsync === 'function'
  );
}

/**
 * The response phase's schema step: validates `response.data` against the request's `schema`
 * and replaces it with zod's output (unknown keys stripped, coercions applied, as the schema
 * says). A failure is a `ValidationError` listing each field, with the response attached.
 * Requests without a schema never get here.
 */
export async function validateResponse(response: AxiosResponse): Promise<AxiosResponse> {
  const schema = response.config?.schema;
  if (schema === undefined || schema === false) return response;
  const result = await schema.safeParseAsync(response.data);
  if (result.success) {
    response.data = result.data;
    return response;
  }
  const issues = toIssues(result.error, response.data);
  throw new ValidationError(
    `Response body (status ${response.status}) does not match its schema (${summary(issues)})`,
    { config: response.config, request: response.request, response, cause: result.error, issues },
  );
}

/**
 * Validates a request body against `requestSchema` before anything is sent, and returns zod's
 * output (what is sent). Synchronous: a schema with async refinements is a `ConfigurationError`.
 */
export function validateRequestBody(schema: Schema, data: unknown, config: InternalAxiosRequestConfig): unknown {
  let result: ReturnType<Schema['safeParse']>;
  try {
    result = schema.safeParse(data);
  } catch (error) {
    throw new ConfigurationError(
      `requestSchema could not run synchronously (${error instanceof Error ? error.message : String(error)}); request schemas cannot use async refinements`,
      { option: 'requestSchema', config, cause: error },
    );
  }
  if (result.success) return result.data;
  const issues = toIssues(result.error, data);
  throw new ValidationError(`Request body does not match requestSchema; nothing was sent (${summary(issues)})`, {
    config,
    cause: result.error,
    issues,
  });
}

/** zod's issues as axle's: path, message, code, and what was expected and received where known. */
export function toIssues(error: z.ZodError, input: unknown): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    const out: ValidationIssue = { path, message: issue.message, code: issue.code };
    const expected = (issue as { expected?: unknown }).expected;
    if (typeof expected === 'string') out.expected = expected;
    if (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union') {
      out.received = kindOf(valueAt(input, path));
    }
    return out;
  });
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

function summary(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const detail =
      issue.expected !== undefined && issue.received !== undefined
        ? `expected ${issue.expected}, received ${issue.received}`
        : issue.message;
    return `${where}: ${detail}`;
  });
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `${shown.join('; ')}${more}`;
}
