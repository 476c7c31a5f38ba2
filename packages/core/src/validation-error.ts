import { ClientError, type ClientErrorJSON, type ClientErrorOptions } from './client-error';

/** One field-level problem: where it is, and what was wrong. */
export interface ValidationIssue {
  /** The path to the field, e.g. `['items', 0, 'id']`; empty for the whole value. */
  path: readonly (string | number)[];
  /** What went wrong, in words. */
  message: string;
  /** A machine-readable code (zod's issue code, or `invalid_json`). */
  code: string;
  /** What was expected, when known (e.g. `'number'`). */
  expected?: string;
  /** What was received, when known (e.g. `'string'`). */
  received?: string;
}

/** What a `ValidationError` is built from. */
export interface ValidationErrorOptions extends ClientErrorOptions {
  issues?: readonly ValidationIssue[];
}

/**
 * A body did not match what was expected: a response failed its schema, a body that claims JSON
 * did not parse, or a request body failed `requestSchema`. `issues` lists the fields; when the
 * server answered, `response` (status, headers, raw body) is still there.
 *
 * @example
 * ```ts
 * if (isValidationError(err)) for (const i of err.issues) console.log(i.path.join('.'), i.message);
 * ```
 */
export class ValidationError<T = unknown, D = unknown> extends ClientError<T, D> {
  static override readonly errorName: string = 'ValidationError';
  /** The field-level issues; empty when the body could not be parsed at all. */
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, options: ValidationErrorOptions = {}) {
    super(message, { code: 'ERR_VALIDATION', ...options });
    this.issues = Object.freeze([...(options.issues ?? [])]);
  }

  protected override buildJSON(): ClientErrorJSON {
    return { ...super.buildJSON(), issues: this.issues.map((issue) => ({ ...issue })) };
  }
}
