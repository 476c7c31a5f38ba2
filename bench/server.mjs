// Child-process entry: a loopback HTTP server answering a small JSON body with keep-alive.
// Started by spawn-server.mjs through child_process.fork; reports its port over IPC and exits
// when told to stop or when the parent goes away.
import http from 'node:http';

let id = 0;

const server = http.createServer((req, res) => {
  // Drain any request body (the benchmark only sends GETs, but a scenario might not).
  req.resume();
  id += 1;
  const body = `{"ok":true,"id":${id}}`;
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    // The cache scenarios request /cacheable...: fresh for an hour, so a cache may keep it.
    ...(req.url?.startsWith('/cacheable') ? { 'cache-control': 'max-age=3600' } : {}),
  });
  res.end(body);
});

// Keep idle sockets open between a client's requests; never cap requests per socket.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.maxRequestsPerSocket = 0;

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Hard stop if something still holds the loop.
  setTimeout(() => process.exit(0), 2_000).unref();
};

process.on('message', (message) => {
  if (message && message.type === 'stop') stop();
});
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`listening on http://127.0.0.1:${port}`);
});
