#!/usr/bin/env node
/**
 * Held-out localisation table of the CHAOS CLIP, measured with the product's own runtime and ROI
 * code (see clip_localisation.ts):
 *
 *   node models/train/eval_clip_localisation.js [--model models/chaos-clip] [--margins 0,10] [--json out.json]
 *        [--mr 3,13,21,33] [--ct-files 30-45]     (default: the model's held-out ids, from its split.json)
 *        [--shape mask|box]                       (default: mask, the product's ROI shape)
 *        [--train]                                (the calibration's training slices instead)
 *
 * Data: $XAI_CLIP_DATA or <repo>/../shared/data. The TypeScript sources are compiled on the fly
 * (scripts/registerTypeScript.js).
 */
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
require('../../scripts/registerTypeScript')(repo);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main() {
  const lib = require('./clip_localisation.ts');
  const ort = require(path.join(repo, 'node_modules', 'onnxruntime-node'));
  const folder = path.resolve(option('model', path.join(repo, 'models', 'chaos-clip')));
  const margins = option('margins', '0,10').split(',').map(Number);
  const root = process.env.XAI_CLIP_DATA ?? path.resolve(repo, '..', 'shared', 'data');
  if (!fs.existsSync(path.join(root, 'README.md'))) {
    throw new Error(`Real data not found at ${root}. Set XAI_CLIP_DATA.`);
  }
  const start = Date.now();
  const loaded = await loadClipOrExit(lib, folder, ort);
  const { entry } = loaded;
  const clip = lib.memoised(loaded.clip);
  const list = (text) =>
    text === ''
      ? []
      : text.split(',').flatMap((part) => {
          const [a, b] = part.split('-').map(Number);
          return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, n) => a + n);
        });
  const shape = option('shape', 'mask');
  if (shape !== 'mask' && shape !== 'box') throw new Error(`--shape must be mask or box, got ${shape}.`);
  // --train: every 2nd slice of the training subjects and files, as calibrate_clip_roi.js scores them.
  const train = process.argv.includes('--train');
  const split = lib.chaosSplit(folder);
  const mrSubjects = list(option('mr', (train ? split.mr.train : split.mr.heldOut).join(',')));
  const ctFiles = list(
    option(
      'ct-files',
      (train ? split.ctFiles.train.filter((_, n) => n % 2 === 0) : split.ctFiles.heldOut).join(','),
    ),
  );
  const slices = await lib.loadHeldOut(root, { mrSubjects, ctFiles, mrEvery: train ? 2 : 1 });
  const results = margins.map(() => []);
  for (const item of slices) {
    const perMargin = await lib.localise(clip, entry, item, margins, undefined, shape);
    perMargin.forEach((rs, m) => results[m].push(...rs));
  }
  const report = {
    model: folder,
    logitScale: entry.logitScale,
    contextMm: entry.contextMm ?? 0,
    roiByClass: entry.roiByClass ?? {},
    shape,
    mrSubjects,
    ctFiles,
    seconds: 0,
    margins: {},
  };
  margins.forEach((marginMm, m) => {
    const rows = lib.summarise(results[m]);
    report.margins[`${marginMm}mm`] = { rows, fallbacks: results[m].filter((r) => r.fallbackReason).length };
    console.log(
      `\nROI shape ${shape}, margin ${marginMm} mm (targets: coverage ≥ 0.95, area ≤ 0.35 of the body; means over slices)`,
    );
    console.log(
      '| group | slices | mean GT coverage | mean ROI area / body | GT box area / body (oracle) | means meet both | slices meeting both |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const pass = r.coverage >= 0.95 && r.area <= 0.35 ? 'yes' : 'no';
      console.log(
        `| ${r.group} | ${r.slices} | ${r.coverage.toFixed(3)} | ${r.area.toFixed(3)} | ${r.oracleArea.toFixed(3)} | ${pass} | ${r.slicesMeetingBoth} |`,
      );
    }
  });
  report.seconds = (Date.now() - start) / 1000;
  console.log(`\n${slices.length} held-out slices in ${report.seconds.toFixed(1)} s`);
  const out = option('json');
  if (out) fs.writeFileSync(out, JSON.stringify({ ...report, slices: results }, null, 2) + '\n');
}

async function loadClipOrExit(lib, folder, ort) {
  if (!fs.existsSync(path.join(folder, 'clip.manifest-part.json'))) {
    throw new Error(`No clip.manifest-part.json in ${folder}; pass --model <folder>.`);
  }
  return lib.loadClip(folder, ort);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
