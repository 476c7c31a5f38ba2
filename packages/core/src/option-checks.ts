import { ConfigurationError } from './configuration-error';
import { suggestOption } from './suggest-option';

// Option names whose string values are never echoed back, not even in a configuration error.
const SECRET_OPTION = /secret|password|token|assertion|apikey|api_key|credential/i;

/**
 * A short description of a value for error messages: short strings quoted, numbers and booleans
 * with their type, objects and arrays not shown. When `option` names a secret (`clientSecret`,
 * `password`, `token`...), a string is only "a string".
 *
 * @example
 * ```ts
 * describeValue(-1);                        // 'number -1'
 * describeValue('hunter2', 'password');     // 'a string'
 * ```
 */
export function describeValue(value: unknown, option?: string): string {
  if (typeof value === 'string' && option !== undefined && SECRET_OPTION.test(option)) return 'a string';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'string') return value.length > 60 ? 'a long string' : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * The `ConfigurationError` for an option with a value it cannot take:
 * `<option> must be <expected>; got <value described>`, with `option` set.
 *
 * @example
 * ```ts
 * throw invalidOption('rateLimit.maxRequests', 'a whole number above 0', 0);
 * // ConfigurationError: rateLimit.maxRequests must be a whole number above 0; got number 0
 * ```
 */
export function invalidOption(option: string, expected: string, got: unknown): ConfigurationError {
  return new ConfigurationError(`${option} must be ${expected}; got ${describeValue(got, option)}`, { option });
}

/**
 * Checks a plugin's options object: it must be a plain object whose keys are all in `known`. An
 * unknown key is a `ConfigurationError` naming it and suggesting the known key it most likely
 * meant (`max_requests` → `maxRequests`, or a name from `aliases`: lower-cased spelling → ours),
 * else listing the valid ones: a misspelt option would otherwise be ignored without a word.
 *
 * @example
 * ```ts
 * checkOptionKeys({ max_requests: 5 }, ['maxRequests', 'timeWindow'], 'rateLimit');
 * // ConfigurationError: Unknown rateLimit option "max_requests": did you mean "maxRequests"?
 * ```
 */
export function checkOptionKeys(
  options: unknown,
  known: readonly string[],
  where: string,
  aliases?: ReadonlyMap<string, string>,
): asserts options is object {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigurationError(`${where} options must be an object; got ${describeValue(options)}`, {
      option: where,
    });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = suggestOption(key, known, aliases);
    throw new ConfigurationError(
      near
        ? `Unknown ${where} option "${key}": did you mean "${near}"?`
        : `Unknown ${where} option "${key}"; valid options are ${known.join(', ')}`,
      { option: `${where}.${key}` },
    );
  }
}
