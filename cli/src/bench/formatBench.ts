import {
  BenchResult,
  BenchRow,
  Comparison,
  ControlName,
  OverlapMetric,
  SanityRow,
  SlabComparison,
} from './schema';
import { fixed, signed, signedPercent, signedWithInterval, withInterval } from './numbers';
import { PairedComparison } from './stats/pairedComparison';

const num = fixed;
const pct = signedPercent;
const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10000 ? 2 : 1);
const difference = (c: PairedComparison) =>
  `${signedWithInterval(c)} ${c.verdict}${c.p === null ? '' : ` (p ${num(c.p, 3)})`}`;
/** A dataset as the tables name it, with its subject count where cases name subjects (the CT rows are one patient). */
const datasetLabel = ({ dataset, subjects }: { dataset: string; subjects: string[] }) =>
  subjects.length
    ? `${dataset} (${subjects.length} ${subjects.length === 1 ? 'patient' : 'patients'})`
    : dataset;

const OVERLAP_LABELS: Record<OverlapMetric, string> = {
  otsuDice: 'Dice (Otsu)',
  otsuIou: 'IoU (Otsu)',
  topGtDice: 'Dice top-\\|GT\\|',
  topGtIou: 'IoU top-\\|GT\\|',
};
const CONTROL_LABELS: Record<ControlName, string> = {
  maskedFull: '(a) full map × ROI',
  roiIndicator: '(b) ROI indicator',
  maskedRandom: '(c) random × ROI',
};

const METHOD_LABELS: Record<string, string> = {
  occlusion: 'occlusion',
  rise: 'RISE',
  lime: 'LIME',
  'occlusion-c2f': 'occlusion, coarse-to-fine',
};

function methodDetail(row: BenchRow): string {
  const options = row.methodOptions as Record<string, unknown>;
  if (row.method === 'occlusion' || row.method === 'occlusion-c2f') {
    return `${options.windowMm} / ${options.strideMm ?? Number(options.windowMm) / 2} mm`;
  }
  if (row.method === 'rise') {
    const cells = Number(options.cellMm) > 0 ? `${options.cellMm} mm cells` : `${options.gridSize}² cells`;
    return `${Number(options.masksPerCell) > 0 ? `${options.masksPerCell} masks per cell` : `${options.masks} masks`}, ${cells}`;
  }
  return Number(options.samplesPerFeature) > 0
    ? `${options.samplesPerFeature} samples per feature`
    : `${options.samples} samples`;
}

/** What a run with `--store` took from its store and what it explained. */
function storeLine(store: NonNullable<BenchResult['store']>): string {
  const { otherSettings, otherModel, otherVersion, malformed } = store.ignoredLines;
  return (
    `Store ${store.path}: ${store.reusedSlices} slice(s) reused (their timings from the run that stored them), ` +
    `${store.explainedSlices} explained now; lines ignored: ${otherSettings} other settings, ${otherModel} other model, ${otherVersion} earlier store version, ${malformed} malformed.`
  );
}

/** The benchmark as markdown: the paper's table, ROI vs full next to the paper, coarse-to-fine, performance. */
export function benchMarkdown(result: BenchResult): string {
  const { settings } = result;
  const lines: string[] = [];
  lines.push(`# XAI-CLIP benchmark (${result.mode})`, '');
  lines.push(
    `Run ${result.startedAt}, ${seconds(result.totalMs)} s in all, on ${result.machine.cpus} × ${result.machine.cpuModel} ` +
      `(load ${result.machine.loadAverage.join(', ')}), Node ${result.machine.node}, ONNX Runtime ${result.performance.backend}. ` +
      `Models: ${result.models.map((m) => `${m.dataset} → ${m.name} ${m.version}`).join('; ')}.`,
    '',
    `Settings: batch size ${settings.batchSize}; occlusion window ${settings.windowMm} mm, stride ${settings.strideMm} mm ` +
      `(the same windows for full and ROI; ROI occlusion also occludes the outside in ` +
      `${settings.outsideTiles === 'slic' ? `superpixels of ${settings.outsideTileFactor} × the window` : `tiles of ${settings.outsideTileFactor} × ${settings.outsideTileFactor} windows`}, one pass each, counted in its passes and time); RISE ${settings.riseMasksPerCell > 0 ? `${settings.riseMasksPerCell} masks per ${settings.riseCellMm} mm cell` : `${settings.riseMasks} masks`}; LIME ${settings.limeSamplesPerFeature > 0 ? `${settings.limeSamplesPerFeature} samples per superpixel` : `${settings.limeSamples} samples`}; ` +
      `fill ${settings.fill}; target ${settings.target}; seed ${settings.seed}; ROI ${settings.roi} (${settings.roiShape === 'mask' ? 'its region' : 'its bounding box'}); ` +
      `${settings.ctSlices} CT slice(s), ${settings.slicesPerOrgan} slice(s) per MR organ and subject, drawn with the seed among the slices where the model's own prediction of the organ is at least half its largest (no ground truth used); ` +
      `deletion/insertion in ${settings.deletionSteps} steps over 0 … 3 × the predicted organ's voxels, AUC as the mean of the clipped curve after step 0 (deletion 0 and insertion 1 only for a map whose first step removes or restores the whole organ score); times are the fastest of ${settings.timingRepeats} run(s), variants in turns. ` +
      'Passes are those run; "+N skipped": perturbations that left the network input as it was (score drop 0, not run).',
    '',
    `Threshold protocol: ${result.thresholdProtocol}`,
    '',
  );
  if (result.store) lines.push(storeLine(result.store), '');
  lines.push(
    '## Headline: ROI − full, paired per slice',
    '',
    ...headlineTable(result.comparisons),
    '',
    '## Every row',
    '',
  );
  lines.push(
    '| dataset | organ | method | variant | slices | passes | wall s | ms/pass | Dice | IoU | Dice top-\\|GT\\| | IoU top-\\|GT\\| | deletion AUC ↓ | insertion AUC ↑ | insertion start | pointing ↑ | randomised r ↓ | LIME R² ↑ | overhead | ÷ in-run ORT | ROI share | peak RSS MiB |',
    '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const row of result.rows) {
    lines.push(
      `| ${datasetLabel(row)} | ${row.organ} | ${METHOD_LABELS[row.method] ?? row.method} (${methodDetail(row)}) | ${row.variant} | ${row.slices} | ${row.passes}${row.skippedPasses ? ` (+${row.skippedPasses} skipped)` : ''} | ` +
        `${seconds(row.wallMs)} | ${num(row.msPerPass, 1)} | ${num(row.dice)} | ${num(row.iou)} | ${num(row.topGt.dice)} | ` +
        `${num(row.topGt.iou)} | ${num(row.deletionAuc)} | ${num(row.insertionAuc)} | ${num(row.insertionStart)} | ${num(row.pointingGame, 2)} | ` +
        `${row.randomisationSpearman === null ? '–' : num(row.randomisationSpearman)} | ${row.surrogateR2 === null ? '–' : num(row.surrogateR2)} | ${num(row.overhead, 2)} | ${num(row.ortOverhead, 2)} | ` +
        `${num(row.roiFraction, 2)} | ${num(row.peakRssMb, 0)} |`,
    );
  }
  lines.push(
    '',
    'Pointing: the share of slices whose map peaks inside the predicted organ (pointing game). Randomised r: ' +
      'Spearman rank correlation of the map with the same explanation of the model with every layer ' +
      're-drawn from its own weights’ mean and spread, scored on the original prediction’s organ, over the ' +
      'explained voxels (Adebayo et al. 2018’s model-parameter randomisation, last step): near 0 when the map ' +
      `depends on what the model learned; ${settings.randomisation ? '– where the model has no layer of float weights' : 'not run (--no-randomisation)'}.`,
  );
  lines.push('', '## ROI-guided vs full image', '');
  lines.push(
    '| dataset | organ | method | runtime | CPU time | passes | Dice | IoU | Dice top-\\|GT\\| | IoU top-\\|GT\\| | deletion AUC Δ | insertion AUC Δ | outside-ROI drop |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const c of result.comparisons) {
    lines.push(
      `| ${c.dataset} | ${c.organ} | ${METHOD_LABELS[c.method]} | ${pct(c.runtimeChange)} | ${pct(c.cpuTimeChange)} | ${pct(c.passesChange)} | ` +
        `${pct(c.diceChange)} | ${pct(c.iouChange)} | ${pct(c.topGtDiceChange)} | ${pct(c.topGtIouChange)} | ` +
        `${signed(c.deletionAucDelta)} | ${signed(c.insertionAucDelta)} | ${c.outsideRoiDrop === null ? '–' : pct(c.outsideRoiDrop)} |`,
    );
  }
  lines.push(
    `| **paper** | | | **${pct(result.paper.runtimeChange)}** | | | **${pct(result.paper.diceChange)}** | **${pct(result.paper.iouChange)}** | | | | | |`,
    '',
    'Outside-ROI drop: one more pass per ROI explanation replaces everything outside the ROI with the fill; the organ ' +
      'score falls by this fraction. The ROI-guided RISE and LIME maps are 0 outside the ROI by construction and ROI ' +
      'occlusion ranks the outside only by coarse tiles, so this is the part of the model’s evidence they show at ' +
      'best coarsely (the full-image map shows it); it is also why a deletion curve can favour the full map.',
    '',
  );
  lines.push(
    ...pairedSection(result.comparisons),
    ...controlsSection(result),
    ...sanitySection(result.sanity.rows),
  );
  if (result.coarseToFine.length) {
    lines.push('## Coarse-to-fine occlusion vs ROI occlusion', '');
    lines.push(
      '| dataset | organ | slices | passes (plain → c2f) | explain s (plain → c2f) | fine windows run | top-\\|GT\\| IoU of the maps | Pearson r |',
      '|---|---|--:|--:|--:|--:|--:|--:|',
    );
    for (const c of result.coarseToFine) {
      lines.push(
        `| ${c.dataset} | ${c.organ} | ${c.slices} | ${c.plainPasses} → ${c.coarseToFinePasses} | ` +
          `${seconds(c.plainExplainMs)} → ${seconds(c.coarseToFineExplainMs)} | ${c.refinedWindows} of ${c.fineWindows} | ` +
          `${num(c.agreementTopGtIou)} | ${num(c.agreementPearson)} |`,
      );
    }
    lines.push(
      '',
      `Coarse windows and stride ×${settings.coarseFactor}; a fine window runs where the coarse saliency inside it reaches ` +
        `${settings.refineFraction} × its maximum.`,
      '',
    );
  }
  if (result.slab) lines.push(...slabSection(result.slab, settings), '');
  const perf = result.performance;
  lines.push('## Performance', '');
  lines.push(
    `Engine overhead = explanation wall time ÷ (passes × time per pass of a bare onnxruntime-node session on the ` +
      `same ONNX file and input, at the same batch size, run for as many batched calls as the explanation made). Sweep: full-image occlusion of one ${perf.dataset} slice ` +
      `(window = stride = ${settings.sweepWindowMm} mm), network input [${perf.itemShape.join(', ')}] per image. ` +
      `"In-run ORT" is the time the same explanation spent inside ONNX Runtime: engine ÷ in-run ORT is the ` +
      `overhead measured under the run's own machine load. The sweep times the explanation and right after it the bare run, ${settings.sweepRepeats} times, and keeps the median pair (both runs of a pair meet the same load). ` +
      `Peak resident memory of the run: ${num(perf.maxRssMb, 0)} MiB.`,
    '',
    '| batch size | bare ms/pass | engine ms/pass | overhead | in-run ORT ms/pass | engine ÷ in-run ORT | passes | peak RSS MiB |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const p of perf.sweep) {
    lines.push(
      `| ${p.batchSize}${p.batchSize === perf.defaultBatchSize ? ' (default)' : ''} | ${num(p.bareMsPerPass, 1)} | ` +
        `${num(p.engineMsPerPass, 1)} | ${num(p.overhead, 3)} | ${num(p.ortMsPerPass, 1)} | ${num(p.ortOverhead, 3)} | ` +
        `${p.passes} | ${num(p.peakRssMb, 0)} |`,
    );
  }
  lines.push('', '## Checks', '');
  for (const check of result.checks)
    lines.push(`- ${check.pass ? '✅' : '❌'} ${check.name}: ${check.detail}`);
  if (result.notes.length) {
    lines.push('', '## Notes', '');
    for (const note of result.notes) lines.push(`- ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The benchmark in one table, ROI − full per dataset, organ and method: the passes saved, the
 * paired differences of the figures read most (mean [95 % interval] verdict), and the overlap gains
 * that also beat the three localiser controls. The README quotes it from the full run's store.
 */
export function headlineTable(comparisons: Comparison[]): string[] {
  const lines = [
    '| dataset | organ | method | slices | passes, Σ ROI vs Σ full | Dice top-\\|GT\\| | Dice (Otsu) | deletion AUC ↓ | gains beyond the controls |',
    '|---|---|---|--:|--:|---|---|---|---|',
  ];
  for (const c of comparisons) {
    const v = c.vsFull;
    const gains = c.gains.map((metric) => OVERLAP_LABELS[metric]).join(', ') || 'none';
    lines.push(
      `| ${c.dataset} | ${c.organ} | ${METHOD_LABELS[c.method]} | ${v.topGtDice.slices} | ${pct(c.passesChange)} | ` +
        `${difference(v.topGtDice)} | ${difference(v.otsuDice)} | ${difference(v.deletionAuc)} | ${gains} |`,
    );
  }
  return lines;
}

/** ROI − full per slice, every metric: mean, interval, verdict, Wilcoxon p. */
function pairedSection(comparisons: Comparison[]): string[] {
  const lines = [
    '## ROI − full, paired per slice',
    '',
    'Per-slice difference ROI − full: mean [bootstrap 95 % interval, 2000 seeded resamples, percentile], the verdict by the ' +
      'interval alone (win: it excludes 0 on the better side; loss: on the worse; else tie) and the two-sided Wilcoxon ' +
      'signed-rank p (normal approximation, zero differences dropped, tie-corrected; rough below about 10 slices).',
    '',
    `| dataset | organ | method | slices | ${Object.values(OVERLAP_LABELS).join(' | ')} | deletion AUC ↓ | insertion AUC ↑ |`,
    '|---|---|---|--:|---|---|---|---|---|---|',
  ];
  for (const c of comparisons) {
    const v = c.vsFull;
    lines.push(
      `| ${c.dataset} | ${c.organ} | ${METHOD_LABELS[c.method]} | ${v.otsuDice.slices} | ${difference(v.otsuDice)} | ${difference(v.otsuIou)} | ` +
        `${difference(v.topGtDice)} | ${difference(v.topGtIou)} | ${difference(v.deletionAuc)} | ${difference(v.insertionAuc)} |`,
    );
  }
  return [...lines, ''];
}

/** Every ROI row's overlap next to its controls, and whether a gain counts. */
function controlsSection(result: BenchResult): string[] {
  const lines = [
    '## Controls: explainer or localiser?',
    '',
    'The CLIP ROI comes from a model trained on the organ masks the maps are scored against, so masking any map by it ' +
      'raises Dice. Next to each ROI row: (a) the full run’s map masked by the ROI post hoc, (b) the ROI indicator alone, ' +
      '(c) a seeded random map (20 mm patches) masked by the ROI; the cells are ROI − control per slice, mean [95 % interval]. ' +
      'A gain counts only where ROI beats full and all three controls by the interval.',
    '',
    `| dataset | organ | method | metric | ROI | full | ${Object.values(CONTROL_LABELS).join(' | ')} | gain |`,
    '|---|---|---|---|--:|--:|---|---|---|---|',
  ];
  for (const c of result.comparisons) {
    const row = (variant: string) =>
      result.rows.find(
        (r) =>
          r.dataset === c.dataset && r.organ === c.organ && r.method === c.method && r.variant === variant,
      );
    const [full, roi] = [row('full'), row('roi')];
    if (!full || !roi) continue;
    const figure = (r: BenchRow, metric: OverlapMetric) =>
      ({ otsuDice: r.otsu.dice, otsuIou: r.otsu.iou, topGtDice: r.topGt.dice, topGtIou: r.topGt.iou })[
        metric
      ];
    for (const metric of Object.keys(OVERLAP_LABELS) as OverlapMetric[]) {
      const controls = (Object.keys(CONTROL_LABELS) as ControlName[]).map((control) =>
        difference(c.vsControls[control][metric]),
      );
      lines.push(
        `| ${c.dataset} | ${c.organ} | ${METHOD_LABELS[c.method]} | ${OVERLAP_LABELS[metric]} | ${num(figure(roi, metric))} | ` +
          `${num(figure(full, metric))} | ${controls.join(' | ')} | ${c.gains.includes(metric) ? 'yes' : 'no'} |`,
      );
    }
  }
  return [...lines, ''];
}

/** The sanity maps' deletion/insertion: what the metric gives a map that knows the answer, a random one, the ROI alone. */
function sanitySection(rows: SanityRow[]): string[] {
  if (!rows.length) return [];
  return [
    '## Sanity maps',
    '',
    'The same deletion/insertion on maps that need no explainer: the predicted-mask indicator (knows the model’s answer), ' +
      'a seeded random order (20 mm patches; knows nothing) and the ROI indicator (the localiser alone). Mean [bootstrap 95 % interval].',
    '',
    ...sanityTable(rows),
    '',
  ];
}

/** The sanity maps' table (the README quotes it from the full run's store). */
export function sanityTable(rows: SanityRow[]): string[] {
  return [
    '| dataset | organ | map | slices | deletion AUC ↓ | insertion AUC ↑ | insertion start |',
    '|---|---|---|--:|---|---|--:|',
    ...rows.map(
      (r) =>
        `| ${r.dataset} | ${r.organ} | ${r.map} | ${r.slices} | ${withInterval(r.deletionAuc)} | ${withInterval(r.insertionAuc)} | ${num(r.insertionStart)} |`,
    ),
  ];
}

/** Browser WASM speeds of a CT slice's pass, ms: what a slab run's passes would take in the viewer. */
const VIEWER_MS_PER_PASS = [60, 150] as const;

function viewerMinutes(passes: number): string {
  return VIEWER_MS_PER_PASS.map((ms) => ((passes * ms) / 60_000).toFixed(1)).join('–');
}

/** The slab comparison's markdown: exhaustive vs the viewer's fast settings. */
function slabSection(slab: SlabComparison, settings: BenchResult['settings']): string[] {
  return [
    '## Organ slab: exhaustive vs the viewer’s defaults',
    '',
    `Occlusion over the ${slab.dataset} ${slab.organ} slab (${slab.slices} slices, the ROI’s): every slice in one round, against ` +
      `coarse-to-fine with slice stride ${settings.slabStride} (${slab.interpolatedSlices} slices interpolated). Agreement over the slab: ` +
      `IoU of the two maps’ top-|GT| voxels and Pearson r; each map’s top-|GT| IoU with the ground truth. Viewer minutes: ` +
      `the passes at ${VIEWER_MS_PER_PASS.join('–')} ms (browser WASM).`,
    '',
    '| run | passes | wall s | viewer min | top-\\|GT\\| IoU vs GT |',
    '|---|--:|--:|--:|--:|',
    `| exhaustive | ${slab.exhaustivePasses} | ${seconds(slab.exhaustiveWallMs)} | ${viewerMinutes(slab.exhaustivePasses)} | ${num(slab.exhaustiveTopGtIou)} |`,
    `| fast (viewer default) | ${slab.fastPasses} | ${seconds(slab.fastWallMs)} | ${viewerMinutes(slab.fastPasses)} | ${num(slab.fastTopGtIou)} |`,
    '',
    `Agreement: top-|GT| IoU ${num(slab.agreementTopGtIou)}, Pearson r ${num(slab.agreementPearson)}.`,
  ];
}

function slabLine(slab: SlabComparison): string {
  return (
    `${slab.dataset} ${slab.organ} slab (${slab.slices} slices): ${slab.exhaustivePasses} → ${slab.fastPasses} passes ` +
    `(viewer ≈ ${viewerMinutes(slab.fastPasses)} min), ${seconds(slab.exhaustiveWallMs)} → ${seconds(slab.fastWallMs)} s, ` +
    `agreement top-|GT| IoU ${num(slab.agreementTopGtIou)}, r ${num(slab.agreementPearson)}`
  );
}

/** A few lines for the terminal. */
export function benchSummary(result: BenchResult, files: { json: string; markdown: string }): string {
  const lines = [
    `Benchmark (${result.mode}) in ${seconds(result.totalMs)} s: ${result.rows.length} rows, ${result.units.length} explanations.`,
  ];
  for (const c of result.comparisons) {
    lines.push(
      `  ${c.dataset} ${c.organ} ${METHOD_LABELS[c.method]}: ROI vs full runtime ${pct(c.runtimeChange)}, Dice ${pct(c.diceChange)}, ` +
        `IoU ${pct(c.iouChange)}, deletion AUC ${signed(c.deletionAucDelta)}` +
        (c.outsideRoiDrop === null ? '' : `, outside-ROI drop ${pct(c.outsideRoiDrop)}`),
    );
  }
  if (result.slab) lines.push(`  ${slabLine(result.slab)}`);
  if (result.store) lines.push(`  ${storeLine(result.store)}`);
  lines.push(
    `  paper: runtime ${pct(result.paper.runtimeChange)}, Dice ${pct(result.paper.diceChange)}, IoU ${pct(result.paper.iouChange)}`,
    `  engine overhead at batch ${result.performance.defaultBatchSize}: ${num(result.performance.overhead, 3)}`,
  );
  for (const check of result.checks)
    lines.push(`  ${check.pass ? 'pass' : 'FAIL'}: ${check.name} (${check.detail})`);
  lines.push(`Wrote ${files.json} and ${files.markdown}`);
  return lines.join('\n');
}
