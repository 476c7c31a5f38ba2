// For worker processes the tests fork: after this is required, `require('@axle/<name>')` loads that
// package's TypeScript sources, compiled on load by @swc/core (as Jest's transform does in the tests).
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const packages = path.resolve(__dirname, '..', 'packages');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveAxle(request, ...rest) {
  const match = /^@axle\/([a-z0-9-]+)$/.exec(request);
  return resolve.call(this, match ? path.join(packages, match[1], 'src', 'index.ts') : request, ...rest);
};
