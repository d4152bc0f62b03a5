/**
 * The shared packages and where their barrels live: one table for every tool that resolves
 * `@xai-clip/<package>` (tsconfig.json's "paths" say the same; test/architecture checks it).
 */
const path = require('path');

const repo = path.resolve(__dirname, '..');

const BARRELS = {
  '@xai-clip/engine': 'extension/src/engine/index.ts',
  '@xai-clip/runtime': 'extension/src/runtime/index.ts',
  '@xai-clip/seg': 'extension/src/seg/index.ts',
  '@xai-clip/io': 'cli/src/io/index.ts',
  '@xai-clip/report': 'extension/src/report/index.ts',
};

/** Absolute paths by package name: webpack's resolve.alias and the training scripts' resolver. */
const barrelPaths = Object.fromEntries(
  Object.entries(BARRELS).map(([name, file]) => [name, path.join(repo, file)]),
);

/** jest's moduleNameMapper. */
const jestModuleNameMapper = Object.fromEntries(
  Object.entries(BARRELS).map(([name, file]) => [`^${name}$`, `<rootDir>/${file}`]),
);

module.exports = { BARRELS, barrelPaths, jestModuleNameMapper };
