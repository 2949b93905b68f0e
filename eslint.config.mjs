import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const noInfra = { group: ['**/infra', '**/infra/*'], message: 'shared/ and functions/ never import infra/.' };
const noHandlers = { group: ['**/functions/*'], message: 'Only Lambda reads a handler; shared code is in shared/.' };
// The SDK's packages are CommonJS: a bundle copies such a package's every export once per module that imports it, at
// cold start (11 ms of every API function's before shared/aws/ took their imports). Types are erased, so they may come
// straight from the package.
const sdkThroughSharedAws = {
  group: ['@aws-sdk/*'],
  message: "Import the SDK's values from shared/aws/<package>.ts (types may come from the package).",
  allowTypeImports: true,
};

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
    { files: ['shared/**'], ignores: ['shared/aws/**'], forbidden: [noInfra, noHandlers, sdkThroughSharedAws] },
    { files: ['shared/aws/**'], forbidden: [noInfra, noHandlers] },
    { files: ['functions/**'], forbidden: [noInfra, sdkThroughSharedAws] },
    { files: ['infra/**', 'bench/**'], forbidden: [noHandlers] },
  ].map(({ files, ignores = [], forbidden }) => ({
    files,
    ignores,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: forbidden }] },
  })),
  {
    files: ['infra/local/start.ts', 'infra/local/token.ts', 'infra/ops/**', 'infra/cdk/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
