#!/usr/bin/env node
/**
 * Per-class ROI calibration of a CLIP localiser, on training slices only, with the product's own
 * ROI code (clip_localisation.ts → clipRoi):
 *
 *   node models/train/calibrate_clip_roi.js [--model models/chaos-clip] [--write] [--smoke] [--shape box|mask]
 *
 * For each organ class it tries every logitScale × contextMm of the grid below on every 2nd slice of
 * the CHAOS MR training subjects and every 2nd CHAOS CT training file of the model's split.json
 * (the same slices as train_clip.py's logitScale calibration), at margin 0, and keeps the setting under which the most
 * slice–organ pairs meet both targets (≥ 95 % of the organ inside the ROI, ROI ≤ 35 % of the body).
 * Ties go to the smaller context, then to the scale nearest the manifest's logitScale. The held-out
 * slices are never looked at. `--write` stores the result as `roiByClass` in the folder's
 * clip.manifest-part.json and in every models/<name>/manifest.json whose CLIP is that folder's, and
 * the whole table in roi_calibration.json. `--smoke` (CI): one subject, two CT files, a 2-setting
 * grid, nothing written. `--shape` (default box): the ROI shape scored; the shipped settings were
 * calibrated on boxes, before the mask shape existed, and serve both shapes.
 */
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
require('../../scripts/registerTypeScript')(repo);

const TARGETS = { coverage: 0.95, area: 0.35 };
const SCALES = [2, 3, 4, 5, 6];
const CONTEXTS_MM = [0, 8, 16];

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main() {
  const lib = require('./clip_localisation.ts');
  const ort = require(path.join(repo, 'node_modules', 'onnxruntime-node'));
  const smoke = process.argv.includes('--smoke');
  const shape = option('shape', 'box');
  if (shape !== 'mask' && shape !== 'box') throw new Error(`--shape must be box or mask, got ${shape}.`);
  const folder = path.resolve(option('model', path.join(repo, 'models', 'chaos-clip')));
  const root = process.env.XAI_CLIP_DATA ?? path.resolve(repo, '..', 'shared', 'data');
  if (!fs.existsSync(path.join(root, 'README.md')))
    throw new Error(`Real data not found at ${root}. Set XAI_CLIP_DATA.`);
  const start = Date.now();
  const { clip, entry } = await lib.loadClip(folder, ort);
  const split = lib.chaosSplit(folder);
  const grid = smoke
    ? [
        { logitScale: entry.logitScale, contextMm: 0 },
        { logitScale: entry.logitScale, contextMm: 8 },
      ]
    : SCALES.flatMap((logitScale) => CONTEXTS_MM.map((contextMm) => ({ logitScale, contextMm })));
  // One group of slices at a time (a subject, or the CT series), so the map cache stays small.
  const groups = [
    ...(smoke ? split.mr.train.slice(0, 1) : split.mr.train).map((n) => ({
      mrSubjects: [n],
      mrEvery: 2,
      ctFiles: [],
    })),
    {
      mrSubjects: [],
      ctFiles: split.ctFiles.train.filter((_, index) => index % 2 === 0).slice(0, smoke ? 2 : undefined),
    },
  ];
  const results = grid.map(() => []);
  for (const group of groups) {
    const cached = lib.memoised(clip);
    for (const item of await lib.loadHeldOut(root, group)) {
      for (const [g, settings] of grid.entries()) {
        results[g].push(...(await lib.localise(cached, entry, item, [0], settings, shape))[0]);
      }
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const table = [];
  for (const [g, settings] of grid.entries()) {
    for (const row of lib.summarise(results[g], TARGETS)) {
      const organ = row.group.split(' ').slice(1).join(' ');
      if (!row.group.startsWith('all')) table.push({ ...settings, ...row, organ });
    }
  }
  const organs = [...new Set(table.map((row) => row.organ))];
  const byClass = {};
  console.log('| organ | logitScale | contextMm | slices meeting both (of) | mean coverage | mean area |');
  console.log('|---|---|---|---|---|---|');
  for (const organ of organs) {
    // A class seen in CT and MR (the liver) is scored over both.
    const rows = grid.map((settings) => {
      const mine = table.filter(
        (row) =>
          row.organ === organ &&
          row.logitScale === settings.logitScale &&
          row.contextMm === settings.contextMm,
      );
      const slices = mine.reduce((sum, row) => sum + row.slices, 0);
      const mean = (key) => mine.reduce((sum, row) => sum + row[key] * row.slices, 0) / slices;
      return {
        ...settings,
        meeting: mine.reduce((sum, row) => sum + row.slicesMeetingBoth, 0),
        slices,
        coverage: mean('coverage'),
        area: mean('area'),
      };
    });
    const best = [...rows].sort(
      (a, b) =>
        b.meeting - a.meeting ||
        a.contextMm - b.contextMm ||
        Math.abs(a.logitScale - entry.logitScale) - Math.abs(b.logitScale - entry.logitScale),
    )[0];
    byClass[organ] = { logitScale: best.logitScale, contextMm: best.contextMm };
    for (const row of rows) {
      const mark = row === best ? ' ← chosen' : '';
      console.log(
        `| ${organ} | ${row.logitScale} | ${row.contextMm} | ${row.meeting} (${row.slices})${mark} | ${row.coverage.toFixed(3)} | ${row.area.toFixed(3)} |`,
      );
    }
  }
  const seconds = (Date.now() - start) / 1000;
  console.log(`\nroiByClass: ${JSON.stringify(byClass)}\n${seconds.toFixed(0)} s`);
  if (!process.argv.includes('--write') || smoke) return;
  const calibration = {
    targets: TARGETS,
    grid: { logitScale: SCALES, contextMm: CONTEXTS_MM },
    seconds,
    roiByClass: byClass,
    table,
  };
  fs.writeFileSync(path.join(folder, 'roi_calibration.json'), JSON.stringify(calibration, null, 2) + '\n');
  const partFile = path.join(folder, 'clip.manifest-part.json');
  writeRoiByClass(partFile, (json) => json, byClass);
  for (const name of fs.readdirSync(path.join(repo, 'models'))) {
    const file = path.join(repo, 'models', name, 'manifest.json');
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    const image = manifest.clip && path.resolve(path.dirname(file), manifest.clip.imageEncoder.file);
    if (image === path.join(folder, entry.imageEncoder.file))
      writeRoiByClass(file, (json) => json.clip, byClass);
  }
}

/** Sets `roiByClass` on the clip object that `clipOf` picks from the JSON file, keeping everything else. */
function writeRoiByClass(file, clipOf, byClass) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  clipOf(json).roiByClass = byClass;
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  console.log(`wrote roiByClass into ${path.relative(repo, file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
