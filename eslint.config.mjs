import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
);
