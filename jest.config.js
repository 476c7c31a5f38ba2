// One Jest project per package. Package names map to their `src/`, so tests need no build.
const fs = require('node:fs');
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');
const packages = fs.readdirSync(packagesDir).filter((name) => fs.existsSync(path.join(packagesDir, name, 'test')));

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript' },
      target: 'es2022',
      transform: { useDefineForClassFields: true },
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
module.exports = {
  projects: packages.map((name) => ({
    displayName: name,
    rootDir: path.join(packagesDir, name),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: { '^.+\\.[cm]?[jt]s$': swc },
    moduleNameMapper: {
      '^@axle/([a-z0-9-]+)$': path.join(packagesDir, '$1', 'src', 'index.ts'),
    },
    setupFiles: [path.join(__dirname, 'test-support', 'network-guard.js')],
    setupFilesAfterEnv: [path.join(__dirname, 'test-support', 'debug-log.js')],
    clearMocks: true,
    restoreMocks: true,
  })),
  collectCoverageFrom: ['<rootDir>/packages/*/src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  // Every package with source keeps 90% of its lines covered (integration-tests has none).
  coverageThreshold: Object.fromEntries(
    packages
      .filter((name) => fs.existsSync(path.join(packagesDir, name, 'src')))
      .map((name) => [`./packages/${name}/src/`, { lines: 90 }]),
  ),
  testTimeout: 15000,
};
