/**
 * Lets the Node scripts of models/train require the repository's TypeScript sources directly,
 * compiled on the fly with the repository's `typescript` (no build step, no extra dependency).
 */
const fs = require('fs');
const path = require('path');

module.exports = function registerTypeScript(repo) {
  const ts = require(path.join(repo, 'node_modules', 'typescript'));
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: filename,
    });
    module._compile(outputText, filename);
  };
};
