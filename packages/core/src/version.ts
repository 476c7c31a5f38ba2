/**
 * The version of `@axle/core`, sent in the default `User-Agent` header (`axle/<version>`).
 *
 * A test pins it to `package.json`, so a release that forgets to bump it fails CI.
 *
 * @example
 * ```ts
 * import { VERSION } from '@axle/core';
 * console.log(`running axle ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
