#!/usr/bin/env node
/**
 * `npm run bench:web`: the benchmark's browser half. Serves the built viewer, opens the CHAOS CT
 * demo study in Debian's headless Chromium and times the panel's default explanation of one
 * slice (first visible saliency, passes, ms/pass), wheel slice steps while it runs, the tab's
 * memory before and after a run and a cancelled slab, and the Node CLI on the same slice. Writes
 * web-bench.json and web-bench.md (test/benchWeb/runWebBench.ts does the work).
 *
 * Options: --out DIR (default build/bench-web), --threads LIST (WASM threads to compare, e.g.
 * auto,1,2; default auto), --slab (also run the liver slab to its end: minutes), --no-cli,
 * --quick (two slice steps a phase instead of six), --port N (default 3390), --no-build.
 */
const { execFileSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main() {
  if (!process.argv.includes('--no-build'))
    execFileSync('npx', ['webpack', '--mode', 'production'], { cwd: ROOT, stdio: 'inherit' });
  require('./registerTypeScript')(ROOT);
  const { runWebBench } = require('../test/benchWeb/runWebBench.ts');
  const { webBenchMarkdown } = require('../test/benchWeb/webBenchMarkdown.ts');
  const quick = process.argv.includes('--quick');
  const result = await runWebBench({
    port: Number(option('--port', 3390)),
    outDir: path.resolve(option('--out', path.join(ROOT, 'build', 'bench-web'))),
    threads: option('--threads', 'auto')
      .split(',')
      .map((t) => (t === 'auto' ? null : Number(t))),
    slab: process.argv.includes('--slab'),
    cli: !process.argv.includes('--no-cli'),
    steps: quick ? 2 : 6,
  });
  console.log(webBenchMarkdown(result));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
