/** Node-side suites: engine, runtime (onnxruntime-node and -web WASM), CLI. */
module.exports = {
  testEnvironment: '<rootDir>/test/helpers/nativeTypedArrayEnvironment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: require('./scripts/barrels.js').jestModuleNameMapper,
  testTimeout: 60000,
};
