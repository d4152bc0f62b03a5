import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What only the browser host may import: its own folders, OHIF, cornerstone and React. */
const HOST_CODE = [
  '**/ohif/**',
  '**/panel/**',
  '**/worker/**',
  '@ohif/*',
  '@cornerstonejs/*',
  'react',
  'react-dom',
];

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'node_modules/', 'coverage/', '.cache/', 'www/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['extension/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'onnxruntime-*',
                '@ohif/*',
                '@cornerstonejs/*',
                'react',
                'react-dom',
                'fs',
                'path',
                'node:*',
              ],
              message: 'The engine is pure TypeScript: no runtime, host or Node imports.',
            },
            {
              group: ['**/runtime/**', '**/ohif/**', '**/panel/**', '**/worker/**'],
              message: 'The engine must not depend on the runtime or host glue.',
            },
          ],
        },
      ],
    },
  },
  roomRule(
    ['extension/src/runtime/**/*.ts'],
    'The runtime runs in Node and in the worker: no host code.',
    HOST_CODE,
  ),
  roomRule(['extension/src/seg/**/*.ts'], 'SEG code is shared with the CLI: no browser code.', HOST_CODE),
  roomRule(
    ['cli/src/**/*.ts', 'models/train/**/*.ts'],
    'Import the shared packages through their barrels: @xai-clip/engine, /runtime, /seg, /io.',
    ['**/extension/src/**', '**/cli/src/io', '**/cli/src/io/**', '../io', '../io/*'],
  ),
);

/** A room's import fence: `files` may not import `patterns`. */
function roomRule(files, message, patterns, ignores = []) {
  return {
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
  };
}
