// One build for every package, run from the package's folder (`rollup -c ../../rollup.config.mjs`):
// ESM and CJS bundles plus bundled type declarations for each module system.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8'));
const dependencies = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  ...Object.keys(pkg.optionalDependencies ?? {}),
];
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
// Dependencies stay external (subpaths too), so one copy of axios and of @axle/core exists.
const external = (id) => builtins.has(id) || dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));
const input = path.join(cwd, 'src', 'index.ts');

export default [
  {
    input,
    external,
    plugins: [
      typescript({
        tsconfig: path.join(cwd, 'tsconfig.json'),
        declaration: false,
        sourceMap: true,
        outDir: path.join(cwd, 'dist'),
        noEmitOnError: true,
      }),
    ],
    output: [
      { file: path.join(cwd, 'dist', 'index.mjs'), format: 'es', sourcemap: true, interop: 'auto' },
      { file: path.join(cwd, 'dist', 'index.cjs'), format: 'cjs', sourcemap: true, interop: 'auto', exports: 'named' },
    ],
  },
  {
    input,
    external,
    plugins: [dts({ tsconfig: path.join(cwd, 'tsconfig.json') })],
    output: [
      { file: path.join(cwd, 'dist', 'index.d.ts'), format: 'es' },
      { file: path.join(cwd, 'dist', 'index.d.mts'), format: 'es' },
    ],
  },
];
