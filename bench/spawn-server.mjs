// Parent side of the loopback server: forks server.mjs and returns its base URL and a stop().
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER_ENTRY = fileURLToPath(new URL('./server.mjs', import.meta.url));

/**
 * Starts the server in its own process so its CPU is not counted in the client's cpuUsage.
 * @returns {Promise<{ baseURL: string, pid: number, stop: () => Promise<void> }>}
 */
export function spawnServer({ startTimeoutMs = 10_000, stopTimeoutMs = 5_000 } = {}) {
  const child = fork(SERVER_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Last resort: never leave the server behind if this process goes down.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
    });
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    if (child.connected) child.disconnect();
    process.removeListener('exit', killOnExit);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop().finally(() => reject(new Error(`server did not start within ${startTimeoutMs} ms`)));
    }, startTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.on('message', (message) => {
      if (message && message.type === 'ready') {
        clearTimeout(timer);
        resolve({ baseURL: `http://127.0.0.1:${message.port}`, pid: child.pid, stop });
      }
    });
  });
}
