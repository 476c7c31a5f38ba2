import { invalidOption } from '@axle/core';

/** `value` when it is a positive integer, `fallback` when undefined; else a ConfigurationError. */
export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalidOption(name, 'a positive integer', value);
  }
  return value;
}

/** `value` when it is a non-negative number of ms, `fallback` when undefined; else a ConfigurationError. */
export function duration(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(name, 'a number of milliseconds, 0 or more', value);
  }
  return value;
}
