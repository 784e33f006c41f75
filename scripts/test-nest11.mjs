#!/usr/bin/env node
/**
 * Runs the package's own test suite once more against the newest NestJS 11 (`npm run test:nest11`),
 * so the `^11.2.0` half of the peer range is tested, not just claimed.
 *
 * The repository is never modified: its sources are copied to a work folder outside the repo, the
 * copy's package.json pins @nestjs/common, core, platform-express, platform-fastify,
 * platform-socket.io, platform-ws, testing and websockets to NEST11_RANGE (default ^11.2.0) with
 * matching npm overrides (so no dependency pulls in a second, v12 copy), `npm install` runs there
 * starting from the repo's package-lock.json (only the Nest packages are re-resolved), and then:
 *   1. the installed majors are checked (all 11.x),
 *   2. lib/ is type-checked against Nest 11's declarations (tsc -p tsconfig.build.json --noEmit),
 *   3. the suite runs with the repo's own `npm test` script (Jest, native ESM mode).
 * The work folder (and its node_modules) is kept between runs, so a re-run costs little more than
 * the test suite itself.
 *
 * Usage: node scripts/test-nest11.mjs [--no-typecheck] [args for the suite, e.g. a path filter or --runInBand]
 *        npm run test:nest11 -- test/e2e
 * Env:   NEST11_RANGE (default ^11.2.0), NEST_CORS_NEST11_DIR (default <os tmpdir>/nest-cors-nest11-<hash>)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const typecheck = !argv.includes('--no-typecheck');
// Everything else goes to the suite (`npm run test:nest11 -- test/e2e` runs only test/e2e).
const testArgs = argv.filter((a) => a !== '--no-typecheck' && a !== '--');
const range = process.env.NEST11_RANGE ?? '^11.2.0';
const nestPackages = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/platform-fastify',
  '@nestjs/platform-socket.io',
  '@nestjs/platform-ws',
  '@nestjs/testing',
  '@nestjs/websockets',
];
/** The GraphQL integration's packages in their Nest 11 major (14 needs Nest 12). */
const nest11Companions = {
  '@nestjs/graphql': '^13.4.0',
  '@nestjs/apollo': '^13.4.0',
  '@nestjs/mercurius': '^13.4.0',
};
const work = resolve(
  process.env.NEST_CORS_NEST11_DIR ?? join(tmpdir(), `nest-cors-nest11-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`),
);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const t0 = performance.now();
const timings = [];
const secs = (t) => `${((performance.now() - t) / 1000).toFixed(1)}s`;

function die(message) {
  console.error(`[nest11] FAILED: ${message}`);
  process.exit(1);
}
function run(cmd, args, label, options = {}) {
  const t = performance.now();
  console.log(`[nest11] ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: work, stdio: 'inherit', ...options });
  timings.push([label, secs(t)]);
  if (r.status !== 0) die(`${label} exited with ${r.status ?? r.signal}`);
}
function summary() {
  console.log('[nest11] timings:');
  for (const [label, time] of timings) console.log(`  ${time.padStart(7)}  ${label}`);
  console.log(`[nest11] total ${secs(t0)}; work folder ${work}`);
}

if (work === root || work.startsWith(root + sep) || root.startsWith(work + sep))
  die(`the work folder must be outside the repository (${work})`);

// 1. Mirror the repository's sources into the work folder (node_modules there is kept).
const skip = new Set([
  '.git',
  'node_modules',
  'dist',
  'dist-sample',
  'coverage',
  '.tmp',
  'test/consumers',
  'bench/results',
  'tools/lint/node_modules',
]);
const tSync = performance.now();
mkdirSync(work, { recursive: true });
for (const entry of readdirSync(work)) if (entry !== 'node_modules') rmSync(join(work, entry), { recursive: true, force: true });
cpSync(root, work, {
  recursive: true,
  filter: (src) => {
    const rel = relative(root, src).split(sep).join('/');
    return !(skip.has(rel) || rel.endsWith('.tgz'));
  },
});
timings.push(['copy sources', secs(tSync)]);

// 2. Pin Nest 11 in the copy's package.json (the repo's own files are untouched).
const pkgPath = join(work, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
pkg.devDependencies ??= {};
pkg.overrides ??= {};
for (const name of nestPackages) {
  if (pkg.dependencies?.[name]) pkg.dependencies[name] = range;
  else pkg.devDependencies[name] = range;
  pkg.overrides[name] = `$${name}`;
}
for (const [name, companionRange] of Object.entries(nest11Companions)) {
  if (pkg.devDependencies[name]) pkg.devDependencies[name] = companionRange;
}
delete pkg.scripts?.prepare; // never build as a side effect of the install
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

// 3. Install (starting from the repo's lock, so only the Nest packages move).
run(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], 'npm install (Nest 11)');

// 4. Everything Nest in the tree is 11.x, and only one copy of each.
const found = [];
const walk = (dir) => {
  const scope = join(dir, 'node_modules', '@nestjs');
  if (existsSync(scope)) {
    for (const name of readdirSync(scope)) {
      const pj = join(scope, name, 'package.json');
      if (existsSync(pj)) found.push([`@nestjs/${name}`, JSON.parse(readFileSync(pj, 'utf8')).version, relative(work, join(scope, name))]);
      walk(join(scope, name));
    }
  }
};
walk(work);
console.log(`[nest11] installed: ${found.map(([n, v, p]) => (p === `node_modules/${n}` ? `${n}@${v}` : `${n}@${v} (${p})`)).join(' ')}`);
for (const name of nestPackages) {
  const copies = found.filter(([n]) => n === name);
  if (copies.length !== 1)
    die(`expected one copy of ${name}, found ${copies.length}: ${copies.map(([, v, p]) => `${v} at ${p}`).join(', ')}`);
  if (!copies[0][1].startsWith('11.')) die(`${name} is ${copies[0][1]}, not 11.x`);
}

// 5. The library's sources against Nest 11's declarations.
if (typecheck) {
  const tsc = join(work, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmit'], 'typecheck lib/ against Nest 11 types');
}

// 6. The suite, with the repo's own test script.
const tTest = performance.now();
console.log(`[nest11] test: npm test${testArgs.length ? ` -- ${testArgs.join(' ')}` : ''}`);
const r = spawnSync(npm, ['test', ...(testArgs.length ? ['--', ...testArgs] : [])], { cwd: work, stdio: 'inherit' });
timings.push(['npm test (Nest 11)', secs(tTest)]);
summary();
if (r.status !== 0) die(`the suite failed against Nest 11 (exit ${r.status ?? r.signal})`);
console.log('[nest11] the suite passed against Nest 11');
