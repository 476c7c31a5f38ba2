import { ValidationError, type ValidationIssue } from '@axle/core';
import type { AxiosResponse } from 'axios';

/**
 * One problem a schema reports, as zod reports it.
 *
 * @example
 * ```ts
 * const issue: SchemaIssue = { path: ['id'], message: 'Expected number', code: 'invalid_type' };
 * ```
 */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly expected?: unknown;
}

/**
 * What `safeParse` returns, as zod returns it.
 *
 * @example
 * ```ts
 * const ok: SafeParseResult<number> = { success: true, data: 1 };
 * ```
 */
export type SafeParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly SchemaIssue[] } };

/**
 * A schema for each item: a zod schema, or anything with zod's `safeParse`. The iterator yields
 * what `safeParse` returns as `data` (so zod transforms and defaults apply), typed.
 *
 * @typeParam T - the validated item type.
 * @example
 * ```ts
 * import { z } from 'zod';
 * const User = z.object({ id: z.number(), name: z.string() });
 * for await (const user of paginate(api, '/users', { schema: User })) user.name; // typed
 * ```
 */
export interface ItemSchema<T> {
  safeParse(value: unknown): SafeParseResult<T>;
}

/**
 * Validates one item; a failure throws a `ValidationError` whose issues' paths start with the
 * item's position on the page, and whose message ends with the page's method and URL.
 */
export function validateItem<T>(
  schema: ItemSchema<T>,
  item: unknown,
  position: number,
  pageIndex: number,
  response: AxiosResponse,
): T {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: [position, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    message: issue.message,
    code: issue.code ?? 'invalid',
    ...(typeof issue.expected === 'string' ? { expected: issue.expected } : {}),
  }));
  const first = issues[0];
  const where = first ? ` (${first.path.join('.')}: ${first.message})` : '';
  throw new ValidationError(`Item ${position} of page ${pageIndex + 1} does not match the schema${where}`, {
    config: response.config,
    response,
    issues,
  });
}
