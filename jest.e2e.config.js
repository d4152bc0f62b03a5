const { withoutMissingData } = require('./test/helpers/researchData.js');

/**
 * End-to-end suites: OHIF 3.13.2 + XAI-CLIP in Debian's headless Chromium (run `npm run test:e2e`).
 * Without the research data the suites that need it are skipped and named.
 */
module.exports = withoutMissingData(
  {
    // Typed arrays of Node's own realm: onnxruntime-node (the CLI side of the parity checks) needs them.
    testEnvironment: '<rootDir>/test/helpers/nativeTypedArrayEnvironment.js',
    roots: ['<rootDir>/test/e2e'],
    testMatch: ['**/*.spec.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    moduleNameMapper: require('./scripts/barrels.js').jestModuleNameMapper,
    testTimeout: 300000,
    maxWorkers: 1,
  },
  '.spec.ts',
);
