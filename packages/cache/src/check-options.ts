import { ConfigurationError, suggestOption } from '@axle/core';

/** Throws a `ConfigurationError` naming the option unless `options` is a plain object of `known` keys. */
export function checkOptions(where: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigurationError(`${where} options must be an object; got ${describe(options)}`, { option: where });
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = suggestOption(key, known);
    throw new ConfigurationError(
      near
        ? `Unknown ${where} option "${key}": did you mean "${near}"?`
        : `Unknown ${where} option "${key}"; valid options are ${known.join(', ')}`,
      { option: `${where}.${key}` },
    );
  }
}

/** A ConfigurationError for option `name`, saying what it must be and what it got. */
export function invalid(name: string, expected: string, got: unknown): ConfigurationError {
  return new ConfigurationError(`${name} must be ${expected}; got ${describe(got)}`, { option: name });
}

/** `value` when it is a positive integer, `fallback` when undefined; else a ConfigurationError. */
export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(name, 'a positive integer', value);
  }
  return value;
}

/** `value` when it is a non-negative number of ms, `fallback` when undefined; else a ConfigurationError. */
export function duration(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(name, 'a number of milliseconds, 0 or more', value);
  }
  return value;
}

/** A short description of a value for messages; objects are not shown. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'string') return value.length > 60 ? 'a long string' : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
