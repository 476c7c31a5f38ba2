/**
 * Releases what a test opened even when one of its assertions fails first.
 *
 * Files that retry timing-sensitive tests (`jest.retryTimes`) need this most: a failed attempt that
 * skipped its own `close()` calls leaves a listening server behind, and with `--detectOpenHandles`
 * that handle keeps Jest from exiting, so a retry that passes still ends in a hung run.
 *
 * Call once at the top level of a test file; the returned function registers a release step for the
 * running test. Steps run after each test, last registered first, and all of them run even if one
 * throws (the first error is rethrown).
 *
 * @example
 * const release = releaseAfterEach();
 * it('...', async () => {
 *   const server = net.createServer();
 *   release(() => new Promise((resolve) => server.close(resolve)));
 * });
 */
export function releaseAfterEach(): (step: () => unknown) => void {
  const steps: Array<() => unknown> = [];
  afterEach(async () => {
    let first: unknown;
    let failed = false;
    for (const step of steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        if (!failed) first = error;
        failed = true;
      }
    }
    if (failed) throw first;
  });
  return (step) => {
    steps.push(step);
  };
}
