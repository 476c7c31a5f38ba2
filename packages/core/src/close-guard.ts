/** What the guard keeps of a client: never the client itself, or it could not be collected. */
interface Guarded {
  readonly warn: (message: string) => void;
  readonly release: () => void;
}

// The one registry of the process: a FinalizationRegistry only reports while it is alive itself,
// so it cannot live on the clients it watches. Made on first use, never at import.
let registry: FinalizationRegistry<Guarded> | undefined;

const MESSAGE =
  'An axle client was garbage-collected without close(): its keep-alive sockets were left open until now. Call `await client.close()` when done, or create it with `await using client = createClient(...)`.';

/**
 * Watches `client`: if it is garbage-collected before `done()` is called, `warn` runs once with
 * a message saying how to close clients, and `release` frees what the client held (its agents).
 *
 * @example
 * ```ts
 * const guard = guardClose(client, (m) => logger.warn(m), () => agent.destroy());
 * // in close():
 * guard.done();
 * ```
 */
export function guardClose(client: object, warn: (message: string) => void, release: () => void): { done(): void } {
  registry ??= new FinalizationRegistry((held) => {
    held.warn(MESSAGE);
    held.release();
  });
  const token = {};
  registry.register(client, { warn, release }, token);
  return {
    done: () => {
      registry?.unregister(token);
    },
  };
}
