import { ConfigurationError, suggestOption } from '@axle/core';

/** `where.key`, or `key` alone when `where` is empty (options given flat to `paginate`). */
export function at(where: string, key: string): string {
  return where === '' ? key : `${where}.${key}`;
}

// Small checks shared by the option resolvers; each throws a ConfigurationError naming the option.

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** An integer ≥ `min`, or `undefined` when `value` is `undefined` and `allowInfinity` has no say. */
export function checkInteger(
  value: unknown,
  option: string,
  min: number,
  { allowInfinity = false }: { allowInfinity?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  if (allowInfinity && value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigurationError(
      `${option} must be an integer ≥ ${min}${allowInfinity ? ' (or Infinity)' : ''}; got ${show(value)}`,
      { option },
    );
  }
  return value;
}

/** A non-empty string (a query parameter name), or `fallback` when `undefined`. */
export function checkName(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${option} must be a non-empty string (a query parameter name); got ${show(value)}`, {
      option,
    });
  }
  return value;
}

/** A boolean, or `fallback` when `undefined`. */
export function checkBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigurationError(`${option} must be true or false; got ${show(value)}`, { option });
  }
  return value;
}

/** A plain object (options, params), or `undefined`. */
export function checkObject(value: unknown, option: string): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(`${option} must be an object; got ${show(value)}`, { option });
  }
  return value as Readonly<Record<string, unknown>>;
}

/**
 * Rejects keys not in `known`, suggesting the known key that differs only in case or separators
 * (`max_pages` → `maxPages`): a misspelt option would otherwise be ignored without a word.
 */
export function checkKnownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = suggestOption(key, known);
    const prefix = where === '' ? '' : `${where}.`;
    throw new ConfigurationError(
      near
        ? `${prefix}${key} is not an option; did you mean "${near}"?`
        : `${prefix}${key} is not an option here; known options: ${known.join(', ')}`,
      { option: `${prefix}${key}` },
    );
  }
}

export { show as describeValue };
