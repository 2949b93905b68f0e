import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const noInfra = { group: ['**/infra', '**/infra/*'], message: 'shared/ and functions/ never import infra/.' };
const noHandlers = { group: ['**/functions/*'], message: 'Only Lambda reads a handler; shared code is in shared/.' };

export default tseslint.config(
  // web/src/generated/ is openapi-typescript's output, as it writes it (npm run api:types); console/src/generated/ is
  // npm run console:meta's.
  {
    ignores: [
      'node_modules/',
      '.local/',
      'cdk.out/',
      'coverage/',
      'dist/',
      'web/src/generated/',
      'console/src/generated/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Dependencies point one way (tests/unit/architecture-layers.test.ts checks it too, and cycles): functions/ and
  // infra/ import shared/; shared/ imports neither, and only Lambda reads a handler in functions/.
  ...[
    { files: ['shared/**'], forbidden: [noInfra, noHandlers] },
    { files: ['functions/**'], forbidden: [noInfra] },
    { files: ['infra/**', 'bench/**'], forbidden: [noHandlers] },
  ].map(({ files, forbidden }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: forbidden }] },
  })),
  {
    files: ['infra/local/start.ts', 'infra/local/token.ts', 'infra/ops/**', 'infra/cdk/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
