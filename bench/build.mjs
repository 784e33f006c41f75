#!/usr/bin/env node
/**
 * Compiles lib/ and bench/ (TypeScript) to plain ES modules under .tmp/bench/, keeping the folder
 * layout so bench code imports the library as `../lib/index.js`. The benchmark servers then run
 * prebuilt JS: no TypeScript loader sits on the measured path.
 *
 * swc with legacy decorators and decorator metadata, the same settings as jest.config.js.
 */
import { transformFile } from '@swc/core';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.tmp', 'bench');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  swcrc: false,
};

function typeScriptSources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
const sources = [...typeScriptSources(join(root, 'lib')), ...typeScriptSources(join(root, 'bench'))];
await Promise.all(
  sources.map(async (source) => {
    const { code } = await transformFile(source, swcOptions);
    const target = join(outDir, relative(root, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }),
);
console.log(
  `[bench] compiled ${sources.length} files to ${relative(root, outDir)}/ in ${((performance.now() - started) / 1000).toFixed(1)}s`,
);
