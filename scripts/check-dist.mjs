// After `npm run build`: every package loads with require() and import(), and its types resolve for
// both, as a consumer's TypeScript (module NodeNext) sees them. Run by .ci/run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(root, 'package.json'));
const packages = readdirSync(path.join(root, 'packages'))
  .map((dir) => path.join(root, 'packages', dir))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

let failures = 0;
for (const { dir, pkg } of packages) {
  const cjs = require(pkg.name);
  const esm = await import(pkg.name);
  const names = Object.keys(cjs).sort();
  const esmNames = Object.keys(esm)
    .filter((n) => n !== 'default')
    .sort();
  if (names.length === 0 || names.join() !== esmNames.join()) {
    console.error(`${pkg.name}: require() and import() export different names`);
    failures += 1;
  }

  // A consumer project in a temporary folder, with the package and its dependencies linked in.
  const work = mkdtempSync(path.join(tmpdir(), 'axle-dist-'));
  try {
    mkdirSync(path.join(work, 'node_modules', ...pkg.name.split('/').slice(0, -1)), { recursive: true });
    symlinkSync(dir, path.join(work, 'node_modules', pkg.name));
    for (const dep of ['axios', '@types/node']) {
      mkdirSync(path.dirname(path.join(work, 'node_modules', dep)), { recursive: true });
      symlinkSync(path.dirname(require.resolve(`${dep}/package.json`)), path.join(work, 'node_modules', dep));
    }
    const first = names.includes('createClient') ? 'createClient' : names[0];
    writeFileSync(
      path.join(work, 'esm.mts'),
      `import { ${first} } from '${pkg.name}';\nconst f: unknown = ${first};\nexport { f };\n`,
    );
    writeFileSync(
      path.join(work, 'cjs.cts'),
      `import { ${first} } from '${pkg.name}';\nconst f: unknown = ${first};\nexport { f };\n`,
    );
    writeFileSync(
      path.join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', work], { stdio: 'inherit' });
    console.log(`${pkg.name}: require, import and types ok (${names.length} exports)`);
  } catch {
    console.error(`${pkg.name}: its types do not resolve for a NodeNext consumer`);
    failures += 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
process.exit(failures === 0 ? 0 : 1);
