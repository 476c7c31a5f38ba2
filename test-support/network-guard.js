// Loaded before every test file: any TCP connection to a host other than the loopback
// addresses fails at once, so no test can reach the network by accident.
const net = require('node:net');

const allowed = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const originalConnect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect passes its normalised arguments as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  if (first && typeof first === 'object') {
    if (first.path === undefined || first.path === null) host = first.host ?? 'localhost';
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  if (host !== undefined && !allowed.has(host)) {
    const error = new Error(`network-guard: tests may only connect to loopback addresses, not ${host}`);
    error.code = 'ENETUNREACH';
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};
