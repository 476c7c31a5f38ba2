import { createHash, randomBytes } from 'node:crypto';

/**
 * A PKCE pair (RFC 7636): the verifier stays here, the S256 challenge goes in the URL.
 *
 * @example
 * ```ts
 * const pair: PkcePair = createPkce(); // { verifier, challenge, method: 'S256' }
 * ```
 */
export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: 'S256';
}

/**
 * Creates a PKCE verifier (43 characters of base64url from 32 random bytes) and its S256
 * challenge.
 *
 * @example
 * ```ts
 * const { verifier, challenge } = createPkce();
 * ```
 */
export function createPkce(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method: 'S256' };
}

/** A random `state` (or `jti`) value: 16 bytes of base64url. */
export function randomToken(): string {
  return randomBytes(16).toString('base64url');
}
