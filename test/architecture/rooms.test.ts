import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/* The three rooms and the shared packages' barrels, checked on the import graph of the sources. */

const repo = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the alias table is a CommonJS script
const { BARRELS } = require(path.join(repo, 'scripts', 'barrels.js')) as { BARRELS: Record<string, string> };

function sourcesUnder(folder: string, pattern = /\.tsx?$/): string[] {
  return fs
    .readdirSync(path.join(repo, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => pattern.test(file))
    .map((file) => path.join(folder, file));
}

/** The repository files a source file imports (relative paths and barrels; packages left out). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(repo, file), 'utf8'), true, true);
  return importedFiles.flatMap(({ fileName }) => {
    if (BARRELS[fileName]) return [BARRELS[fileName]];
    if (!fileName.startsWith('.')) return [];
    const base = path.join(path.dirname(file), fileName);
    const found = ['.ts', '.tsx', '/index.ts', '']
      .map((ext) => base + ext)
      .find((f) => fs.existsSync(path.join(repo, f)) && fs.statSync(path.join(repo, f)).isFile());
    return found ? [found] : [];
  });
}

const sources = [...sourcesUnder('extension/src'), ...sourcesUnder('cli/src'), ...sourcesUnder('mode/src')];
const graph = new Map(sources.map((file) => [file, importsOf(file)]));

describe('the rooms', () => {
  it('tsconfig.json resolves every barrel where scripts/barrels.js (jest, webpack, training) does', () => {
    const { config } = ts.readConfigFile(path.join(repo, 'tsconfig.json'), ts.sys.readFile);
    const paths = Object.fromEntries(
      Object.entries(config.compilerOptions.paths as Record<string, string[]>).map(([name, [file]]) => [
        name,
        path.normalize(file),
      ]),
    );
    expect(paths).toEqual(BARRELS);
  });

  it.each([
    ['the engine is pure: it imports only itself', 'extension/src/engine/', 'extension/src/engine/'],
    [
      'the runtime imports no host code',
      'extension/src/runtime/',
      'extension/src/engine/ extension/src/runtime/',
    ],
    [
      'the report is pure string building',
      'extension/src/report/',
      'extension/src/engine/ extension/src/runtime/ extension/src/report/',
    ],
    [
      'SEG code imports no browser code',
      'extension/src/seg/',
      'extension/src/engine/ extension/src/runtime/ extension/src/seg/',
    ],
  ])('%s (%s imports only %s)', (_, room, allowedList) => {
    const allowed = allowedList.split(' ');
    const outside = [...graph]
      .filter(([file]) => file.startsWith(room))
      .flatMap(([file, imports]) =>
        imports.filter((to) => !allowed.some((a) => to.startsWith(a))).map((to) => `${file} → ${to}`),
      );
    expect(outside).toEqual([]);
  });

  it('the CLI and the training code reach the shared packages through their barrels only', () => {
    const deep = [...sourcesUnder('cli/src'), ...sourcesUnder('models/train', /\.(ts|js)$/)]
      .filter((file) => !file.startsWith('cli/src/io/'))
      .flatMap((file) =>
        ts
          .preProcessFile(fs.readFileSync(path.join(repo, file), 'utf8'), true, true)
          .importedFiles.map(({ fileName }) => fileName)
          .filter((name) => /extension\/src\/|cli\/src\/|(^|\/)io\//.test(name))
          .map((name) => `${file} → ${name}`),
      );
    expect(deep).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
