// ESLint (typescript-eslint) for the whole repository. The linters live in tools/lint, with the
// TypeScript 6 that typescript-eslint needs (TypeScript 7 no longer ships the JavaScript API it
// reads); `npm run lint` installs them there and runs them from here.
import { createRequire } from 'node:module';

const lintTools = createRequire(new URL('./tools/lint/package.json', import.meta.url));
const js = lintTools('@eslint/js');
const prettier = lintTools('eslint-config-prettier');
const globals = lintTools('globals');
const tseslint = lintTools('typescript-eslint');

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'dist-sample/**', '.tmp/**', 'coverage/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  {
    files: ['sample/playground/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
