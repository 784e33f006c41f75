#!/usr/bin/env node
/**
 * `npm run lint` / `npm run format`: installs the linters of tools/lint on first use (their own
 * lock file, with the TypeScript 6 that typescript-eslint needs), then runs ESLint and Prettier
 * over the repository from its root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const tools = dirname(fileURLToPath(import.meta.url));
const root = resolve(tools, '..', '..');
const fix = process.argv.includes('--fix');

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(join(tools, 'node_modules', '.package-lock.json'))) {
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], tools);
}
const bin = (name) => join(tools, 'node_modules', '.bin', name);
if (fix) {
  run(bin('prettier'), ['--write', '--log-level', 'warn', '.']);
  run(bin('eslint'), ['--fix', '.']);
} else {
  run(bin('eslint'), ['--max-warnings', '0', '.']);
  run(bin('prettier'), ['--check', '--log-level', 'warn', '.']);
}
