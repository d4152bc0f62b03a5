const { withoutMissingData } = require('./test/helpers/researchData.js');

/**
 * Node-side suites: engine, runtime (onnxruntime-node and -web WASM), CLI. Without the research
 * data the suites that need it are skipped and named (test/helpers/researchData.js).
 */
module.exports = withoutMissingData(
  {
    testEnvironment: '<rootDir>/test/helpers/nativeTypedArrayEnvironment.js',
    roots: ['<rootDir>/test'],
    testMatch: ['**/*.test.ts'],
    transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    moduleNameMapper: require('./scripts/barrels.js').jestModuleNameMapper,
    testTimeout: 60000,
  },
  '.test.ts',
);
