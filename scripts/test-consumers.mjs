#!/usr/bin/env node
/**
 * Consumer matrix (`npm run test:consumers`): builds and packs nest-cors once, then installs the
 * tarball like a user into each app under test/consumers/ and runs its type check and e2e tests.
 *
 *   test/consumers/nest12-esm  Nest 12, "type": "module", TypeScript 7, node:test, Express + Fastify
 *   test/consumers/nest11-cjs  Nest 11.2+, CommonJS, Jest + ts-jest + TypeScript 5.9 (Nest 11's
 *                              default setup), Express + Fastify, a Socket.IO gateway through
 *                              `nest-cors/socket.io`; type-checked under nodenext and node10
 *
 * Each consumer is copied to a work folder OUTSIDE the repository before `npm install <tarball>`:
 * inside the repo, Node and TypeScript would walk up to the repo's own node_modules and silently
 * satisfy a dependency the package forgot to declare. The work folders are kept between runs so
 * re-installs are quick; nothing in the repository is written except dist/ (the build).
 *
 * Usage: node scripts/test-consumers.mjs [nest12-esm] [nest11-cjs] [--no-build]
 * Env:   NEST_CORS_CONSUMERS_DIR  work folder (default: <os tmpdir>/nest-cors-consumers-<hash of repo path>)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const consumersDir = join(root, 'test', 'consumers');
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const all = readdirSync(consumersDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(consumersDir, d.name, 'package.json')))
  .map((d) => d.name)
  .sort();
const selected = args.filter((a) => !a.startsWith('--'));
for (const name of selected) if (!all.includes(name)) die(`unknown consumer "${name}" (have: ${all.join(', ')})`);
const consumers = selected.length ? selected : all;
const workRoot = resolve(
  process.env.NEST_CORS_CONSUMERS_DIR ??
    join(tmpdir(), `nest-cors-consumers-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`),
);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const t0 = performance.now();
const timings = [];

function die(message) {
  console.error(`[consumers] FAILED: ${message}`);
  process.exit(1);
}
const secs = (t) => `${((performance.now() - t) / 1000).toFixed(1)}s`;

/** Runs a command with inherited output; throws on a non-zero exit. */
function run(cmd, cmdArgs, cwd, label) {
  const t = performance.now();
  console.log(`[consumers] ${label}: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit' });
  timings.push([label, secs(t)]);
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status ?? r.signal})`);
}

/** Runs a command capturing its output (printed only on failure or when short); resolves to its exit code. */
function runQuiet(cmd, cmdArgs, cwd, label) {
  return new Promise((resolvePromise) => {
    const t = performance.now();
    const child = spawn(cmd, cmdArgs, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      timings.push([label, secs(t)]);
      const lines = out
        .split('\n')
        .filter(
          (l) =>
            l.trim() &&
            !/Unknown user config "nodedir"|This will stop working in the next major version of npm|See `npm help npmrc`/.test(l),
        );
      console.log(`[consumers] ${label} (${secs(t)}, exit ${code})${lines.length ? `\n  ${lines.join('\n  ')}` : ''}`);
      resolvePromise(code);
    });
  });
}

// Node and TypeScript resolve packages by walking up from the consumer folder: make sure nothing
// above the work folder could stand in for a dependency the consumer or the package forgot.
for (let dir = dirname(workRoot); ; dir = dirname(dir)) {
  if (existsSync(join(dir, 'node_modules')))
    die(`${join(dir, 'node_modules')} exists above the work folder ${workRoot}; set NEST_CORS_CONSUMERS_DIR elsewhere`);
  if (dir === parse(dir).root) break;
}
if (workRoot === root || workRoot.startsWith(root + sep)) die(`the work folder must be outside the repository (${workRoot})`);

try {
  mkdirSync(workRoot, { recursive: true });

  // 1. Build once, pack once.
  if (build) run(process.execPath, [join(root, 'scripts', 'build.mjs')], root, 'build');
  if (!existsSync(join(root, 'dist', 'esm', 'index.js'))) die('dist/ is missing: run without --no-build');
  const packDir = join(workRoot, 'pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const tPack = performance.now();
  const pack = spawnSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
    cwd: root,
    encoding: 'utf8',
  });
  timings.push(['npm pack', secs(tPack)]);
  if (pack.status !== 0) die(`npm pack failed:\n${pack.stderr}`);
  const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
  const tarball = join(packDir, info.filename);
  const files = info.files.map((f) => f.path).sort();

  // 2. The tarball carries only what users need.
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE$/,
    /^CHANGELOG\.md$/,
    /^dist\/(esm|cjs)\/.+\.(js|d\.ts)$/,
    /^dist\/cjs\/package\.json$/,
  ];
  const entries = ['index', 'cors-io.adapter', 'cors-ws.adapter'].flatMap((entry) =>
    ['esm', 'cjs'].flatMap((build) => [`dist/${build}/${entry}.js`, `dist/${build}/${entry}.d.ts`]),
  );
  const required = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...entries, 'dist/cjs/package.json'];
  const unexpected = files.filter((f) => !allowed.some((re) => re.test(f)) || /\.spec\./.test(f));
  const missing = required.filter((f) => !files.includes(f));
  console.log(
    `[consumers] packed ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(1)} kB packed, ${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`,
  );
  if (unexpected.length) die(`the tarball carries files users do not need: ${unexpected.join(', ')}`);
  if (missing.length) die(`the tarball lacks: ${missing.join(', ')}`);

  // 3. Fresh copies of the consumer sources (keeping node_modules and the lock for speed), then
  //    install the tarball like a user. Installs run in parallel: they mostly wait on the network.
  const installs = consumers.map((name) => {
    const src = join(consumersDir, name);
    const dest = join(workRoot, name);
    mkdirSync(dest, { recursive: true });
    for (const entry of readdirSync(dest)) {
      if (entry !== 'node_modules' && entry !== 'package-lock.json') rmSync(join(dest, entry), { recursive: true, force: true });
    }
    for (const entry of readdirSync(src)) {
      if (['node_modules', 'package-lock.json', 'dist'].includes(entry)) continue;
      cpSync(join(src, entry), join(dest, entry), { recursive: true });
    }
    return runQuiet(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], dest, `${name}: npm install <tarball>`);
  });
  const codes = await Promise.all(installs);
  codes.forEach((code, i) => code !== 0 && die(`npm install failed in ${consumers[i]}`));

  // 4. Type check and e2e, one consumer at a time.
  const failed = [];
  for (const name of consumers) {
    const dest = join(workRoot, name);
    try {
      // The installed package must be the one just built (a stale lock must not keep an old copy).
      for (const f of files.filter((p) => p.startsWith('dist/'))) {
        const installed = join(dest, 'node_modules', 'nest-cors', f);
        if (!existsSync(installed) || !readFileSync(installed).equals(readFileSync(join(root, f)))) {
          throw new Error(`${name}: node_modules/nest-cors/${f} differs from the fresh build`);
        }
      }
      const versions = ['@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', 'typescript']
        .map((p) => `${p}@${JSON.parse(readFileSync(join(dest, 'node_modules', p, 'package.json'), 'utf8')).version}`)
        .join(' ');
      console.log(`[consumers] ${name}: ${versions}`);
      run(npm, ['run', '--silent', 'typecheck'], dest, `${name}: typecheck`);
      run(npm, ['test', '--silent'], dest, `${name}: test`);
    } catch (error) {
      console.error(`[consumers] ${error.message}`);
      failed.push(name);
    }
  }

  console.log('[consumers] timings:');
  for (const [label, time] of timings) console.log(`  ${time.padStart(7)}  ${label}`);
  console.log(`[consumers] total ${secs(t0)}; work folder ${workRoot}`);
  if (failed.length) die(`consumer(s) failed: ${failed.join(', ')}`);
  console.log(`[consumers] all consumers passed: ${consumers.join(', ')}`);
} catch (error) {
  die(error.stack ?? String(error));
}
