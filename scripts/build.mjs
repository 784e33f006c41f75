#!/usr/bin/env node
/**
 * Builds the published package (run as `npm run build`; `npm pack` / `npm publish` run it via prepack).
 *
 *   dist/esm  ES modules + .d.ts, emitted by `tsc -p tsconfig.build.json` (the source is NodeNext ESM).
 *   dist/cjs  CommonJS, made by transforming dist/esm/*.js with @swc/core, plus copies of the .d.ts
 *             files and a package.json `{"type":"commonjs"}` so Node and TypeScript read the folder
 *             as CommonJS.
 *
 * Why two builds: Nest 12 is ESM-only and is tested under Jest's native ESM mode, where CommonJS code
 * that requires ESM-only @nestjs/* 12 fails; Nest 11 apps are CommonJS and tested with ts-jest in
 * Jest's CJS mode, whose loader cannot require() an ES module. The package.json `exports` map sends
 * `import` to dist/esm and `require` to dist/cjs.
 *
 * Why swc and not a second tsc run: TypeScript 7 removed `moduleResolution: node10` and only allows
 * `module: commonjs` with `moduleResolution: bundler`, and the sources live in a `"type":"module"`
 * package, so tsc would emit them as ESM under node16/nodenext anyway. Transforming tsc's own ESM
 * output keeps one type-checked compile, the exact same JS semantics, and identical .d.ts files.
 *
 * Source maps are not built by default and never shipped (package.json `files` excludes *.map): the
 * emitted JS is unminified ES2022 with the same structure, names and comments as lib/, and maps that
 * embed the sources would more than double the tarball. `--source-maps` builds them for local
 * debugging: tsc embeds the TypeScript text (--inlineSources) and swc chains the map through the
 * CommonJS transform, so both builds map to lib/*.ts without lib/ being present.
 *
 * Options: --source-maps (see above); --no-verify skips the final load check (for every entry point
 * of package.json `exports`: require its CommonJS file, import its ESM file, compare the exported
 * names; and the main entry loads no other entry point and no optional peer dependency).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
const esmDir = join(dist, 'esm');
const cjsDir = join(dist, 'cjs');
const verify = !process.argv.includes('--no-verify');
/** The `exports` entry points: subpath, ES module file and CommonJS file. */
const entryPoints = Object.entries(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports)
  .filter(([, target]) => typeof target === 'object')
  .map(([subpath, target]) => ({ subpath, esm: join(root, target.import.default), cjs: join(root, target.require.default) }));
const sourceMaps = process.argv.includes('--source-maps');

const t0 = performance.now();
const step = (name, fn) => {
  const t = performance.now();
  const result = fn();
  console.log(`[build] ${name} (${((performance.now() - t) / 1000).toFixed(2)}s)`);
  return result;
};
const fail = (message) => {
  console.error(`[build] FAILED: ${message}`);
  process.exit(1);
};

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

// 1. Clean. dist/ belongs to this build alone (the sample app builds to dist-sample/).
step('clean dist/', () => rmSync(dist, { recursive: true, force: true }));

// 2. ESM + declarations with tsc.
step('tsc -p tsconfig.build.json -> dist/esm', () => {
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      esmDir,
      '--declarationMap',
      'false',
      ...(sourceMaps ? ['--sourceMap', '--inlineSources'] : ['--sourceMap', 'false']),
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) fail(`tsc exited with ${r.status ?? r.signal}`);
  for (const { subpath, esm } of entryPoints) {
    if (!existsSync(esm)) fail(`tsc produced no ${relative(root, esm)} for the entry point "${subpath}"`);
  }
  const specs = walk(esmDir).filter((f) => /\.spec\.(js|d\.ts)$/.test(f));
  if (specs.length) fail(`spec files were compiled into dist: ${specs.map((f) => relative(root, f)).join(', ')}`);
});

// 3. CommonJS from the ESM output.
step('swc ESM -> CommonJS dist/cjs', () => {
  const swc = require('@swc/core');
  const problems = [];
  for (const file of walk(esmDir)) {
    const rel = relative(esmDir, file);
    const target = join(cjsDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.d.ts')) {
      copyFileSync(file, target);
      continue;
    }
    if (!file.endsWith('.js')) continue; // .js.map files are rewritten next to their .js below
    const code = readFileSync(file, 'utf8');
    // swc turns import.meta.url into the CommonJS module's file URL; nothing else of import.meta has an equivalent.
    if (/\bimport\.meta\b(?!\.url\b)/.test(code))
      problems.push(`${rel}: uses import.meta beyond import.meta.url, which has no CommonJS equivalent`);
    const mapFile = `${file}.map`;
    const inputSourceMap = existsSync(mapFile) ? readFileSync(mapFile, 'utf8') : undefined;
    let out;
    try {
      out = swc.transformSync(code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'), {
        filename: file,
        sourceFileName: file,
        swcrc: false,
        configFile: false,
        isModule: true,
        sourceMaps: Boolean(inputSourceMap),
        inputSourceMap,
        inlineSourcesContent: true,
        jsc: {
          parser: { syntax: 'ecmascript' },
          target: 'es2022',
          keepClassNames: true,
          // tsc already did every syntax transform; swc only swaps the module system.
          transform: {},
        },
        module: {
          type: 'commonjs',
          strict: false,
          strictMode: true,
          // Default (swc/babel) interop: a default import takes `.default` when the dependency sets
          // __esModule, which Node's require(esm) also sets for ES modules with a default export.
          importInterop: 'swc',
        },
      });
    } catch (error) {
      problems.push(`${rel}: swc failed: ${error?.message ?? error}`);
      continue;
    }
    let js = out.code;
    if (out.map) {
      const map = JSON.parse(out.map);
      // Keep the source paths exactly as tsc wrote them (relative to the map; dist/esm and dist/cjs
      // sit at the same depth), with the TypeScript text embedded.
      const input = JSON.parse(inputSourceMap);
      if (map.sources?.length === input.sources.length) map.sources = input.sources;
      map.sourcesContent = input.sourcesContent ?? map.sourcesContent;
      map.file = rel.split(/[\\/]/).pop();
      delete map.sourceRoot;
      writeFileSync(`${target}.map`, JSON.stringify(map));
      js = `${js.trimEnd()}\n//# sourceMappingURL=${map.file}.map\n`;
    }
    writeFileSync(target, js);
  }
  if (problems.length) fail(`CommonJS transform:\n  ${problems.join('\n  ')}`);
  writeFileSync(join(cjsDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
});

// 4. Load check: every entry point of the exports map loads in this Node, both builds exposing the
// same names, and the main entry loads no other entry point (nest-cors/redis) and no optional peer
// dependency (redis), which apps without them do not have.
if (verify) {
  step('verify: require() and import() of every entry point export the same names', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const entries = Object.entries(pkg.exports)
      .filter(([, target]) => typeof target === 'object')
      .map(([subpath, target]) => ({
        subpath,
        cjs: join(root, target.require.default),
        esm: join(root, target.import.default),
        types: [target.require.types, target.import.types].map((file) => join(root, file)),
      }));
    const missingTypes = entries.flatMap((entry) => entry.types).filter((file) => !existsSync(file));
    if (missingTypes.length)
      fail(`exports names declaration files that were not built: ${missingTypes.map((f) => relative(root, f)).join(', ')}`);
    const optionalPeers = Object.keys(pkg.peerDependenciesMeta ?? {}).filter((name) => pkg.peerDependenciesMeta[name].optional);
    const probe = `
      const { createRequire } = await import('node:module');
      const { pathToFileURL } = await import('node:url');
      const req = createRequire(${JSON.stringify(join(root, 'package.json'))});
      const entries = ${JSON.stringify(entries)};
      for (const entry of entries) {
        const cjs = req(entry.cjs);
        if (entry.subpath === '.') {
          const loaded = Object.keys(req.cache);
          const extra = [
            ...entries.filter((other) => other !== entry && loaded.includes(other.cjs)).map((other) => other.subpath),
            ...${JSON.stringify(optionalPeers)}.filter((name) => loaded.some((file) => file.includes('/node_modules/' + name + '/'))),
          ];
          if (extra.length) { console.error('the main entry loads', extra); process.exit(1); }
        }
        const esm = await import(pathToFileURL(entry.esm).href);
        const a = Object.keys(cjs).filter((k) => k !== '__esModule').sort();
        const b = Object.keys(esm).filter((k) => k !== 'default').sort();
        if (a.join() !== b.join()) { console.error(entry.subpath, 'cjs exports:', a, '\\nesm exports:', b); process.exit(1); }
        console.log('[build]   ' + entry.subpath + ': ' + b.join(', '));
      }
    `;
    const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', probe], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0) fail('the built entry points do not load, differ, or the main entry loads more than itself (see above)');
  });
}

console.log(`[build] done in ${((performance.now() - t0) / 1000).toFixed(2)}s`);
