// When AXLE_DEBUG_LOG names a folder, every client the tests create through `@axle/core` also logs
// at DEBUG, with body samples, to a file in that folder. `scripts/audit-secrets.mjs` then checks
// that no credential the tests use reaches a log record (messages, URLs, headers, body samples and
// errors, which are written through their `toJSON()`). A test's own logger still gets exactly what it
// would get without this, and a test that passes no logger keeps its behaviour apart from the log.
// Records are held in memory and written after the test file: a synchronous write per record would
// stall the event loop of timing tests (rate limits measured at an in-process server).
if (process.env.AXLE_DEBUG_LOG) {
  const fs = require('node:fs');
  const path = require('node:path');
  const file = path.join(process.env.AXLE_DEBUG_LOG, `debug-${process.pid}.log`);
  const pending = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    fs.appendFileSync(file, pending.join(''));
    pending.length = 0;
    pendingBytes = 0;
  };
  afterAll(flush);
  globalThis.__axleDebugLog = (line) => {
    pending.push(line);
    pendingBytes += line.length;
    if (pendingBytes > 8_000_000) flush();
  };

  jest.mock('@axle/core', () => {
    const actual = jest.requireActual('@axle/core');
    const levels = ['debug', 'info', 'warn', 'error'];

    const write = (level, args) => {
      const [first, second] = args;
      const message = typeof first === 'string' ? first : second;
      const record = typeof first === 'string' ? second : first;
      let line;
      try {
        line = JSON.stringify({ level, message, record });
      } catch (error) {
        line = JSON.stringify({ level, message: String(message), unserialisable: String(error) });
      }
      globalThis.__axleDebugLog(`${line}\n`);
    };

    const tee = (user) => {
      const logger = {};
      for (const level of levels) {
        logger[level] = (...args) => {
          write(level, args);
          if (!user) return undefined;
          if (typeof user.isLevelEnabled === 'function' && !user.isLevelEnabled(level)) return undefined;
          return user[level](...args);
        };
      }
      // winston-shaped loggers take (message, record); keep the shape the core detects.
      if (user && Array.isArray(user.transports)) logger.transports = user.transports;
      return logger;
    };

    const isLogger = (value) =>
      value !== null && typeof value === 'object' && levels.every((level) => typeof value[level] === 'function');

    const createClient = (config, ...rest) => {
      if (config !== undefined && (config === null || typeof config !== 'object')) {
        return actual.createClient(config, ...rest);
      }
      const given = config ?? {};
      if (given.logger !== undefined && !isLogger(given.logger)) return actual.createClient(config, ...rest);
      const extra = given.logger
        ? { logger: tee(given.logger) }
        : { logger: tee(undefined), logBodyBytes: given.logBodyBytes ?? 4096 };
      return actual.createClient({ ...given, ...extra }, ...rest);
    };
    return { ...actual, createClient };
  });
}
