/**
 * Lets Node scripts (models/train, scripts/start.js) require the repository's TypeScript sources
 * directly, compiled on the fly with the repository's `typescript` (no build step, no extra
 * dependency), with the shared packages' barrels (`@xai-clip/engine`, …) resolved as the
 * compiler, jest and webpack resolve them.
 */
const fs = require('fs');
const path = require('path');
const Module = require('module');

module.exports = function registerTypeScript(repo) {
  const ts = require(path.join(repo, 'node_modules', 'typescript'));
  const { barrelPaths } = require(path.join(repo, 'scripts', 'barrels.js'));
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, barrelPaths[request] ?? request, ...rest);
  };
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.Node16,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: filename,
    });
    module._compile(outputText, filename);
  };
};
