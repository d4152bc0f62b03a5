import { Command, InvalidArgumentError, Option } from 'commander';
import { batchPeakMemory } from './commands/batchPeakMemory';
import { bench } from './commands/bench';
import { BenchSettings, defaultSettings } from './bench/settings';
import { evaluate } from './commands/evaluate';
import { explain } from './commands/explain';
import { segment } from './commands/segment';
import { validateModel } from './commands/validateModel';
import { parseMemorySize } from './commands/parseMemorySize';
import { argumentLengthProblem } from './commands/checkArgumentLengths';
import { userMessageOf } from './commands/userMessageOf';
import { collectMethodOption, collectQualifiedMethodOption, methodOptionHelp } from './commands/methodOption';

const integer = (name: string) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ 0.`);
  return value;
};
/** A whole number ≥ `min`, or the word `keyword`; `hint` says what a number means. */
const wholeNumberOr =
  <K extends string>(keyword: K, name: string, min: number, hint = '') =>
  (text: string): number | K => {
    if (text === keyword) return keyword;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new InvalidArgumentError(
        `${name} must be ${keyword} or a whole number ≥ ${min}${hint}, got "${text}".`,
      );
    return value;
  };
/** A whole number from `min` to `max`. */
const wholeNumberIn = (name: string, min: number, max: number) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  return value;
};
/** A number from 0 to 1. */
const fraction = (name: string) => (text: string) => {
  const value = Number(text);
  if (!(value >= 0 && value <= 1))
    throw new InvalidArgumentError(`${name} must be a number from 0 to 1, got "${text}".`);
  return value;
};
const nonNegative = (name: string) => (text: string) => {
  const value = Number(text);
  if (!(value >= 0 && Number.isFinite(value)))
    throw new InvalidArgumentError(`${name} must be a finite number ≥ 0, got "${text}".`);
  return value;
};
const positive = (name: string) => (text: string) => {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value)))
    throw new InvalidArgumentError(`${name} must be a finite number > 0, got "${text}".`);
  return value;
};

/** Runs an action; a failure prints one clear line (and JSON with --json) and exits 1. */
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      const message = userMessageOf(error);
      const json = args.some(
        (arg) => typeof arg === 'object' && arg !== null && (arg as { json?: boolean }).json,
      );
      if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
      process.stderr.write(`xai-clip: ${message}\n`);
      process.exitCode = 1;
    }
  };

/** --memory-budget, shared by the commands that run the model (a fresh Option per command). */
const memoryBudgetOption = () =>
  new Option(
    '--memory-budget <size>',
    'memory one batch of images may take while the model runs, e.g. 800MB or 7.5GB; the batch size is lowered to fit (default: half the free memory)',
  ).argParser(parseMemorySize);

const program = new Command('xai-clip')
  .description('ROI-guided perturbation explanations of organ segmentation models (XAI-CLIP)')
  .showHelpAfterError();

const withCommon = (command: Command) =>
  command
    .requiredOption('--model <manifest.json>', 'model manifest')
    .requiredOption('--input <path>', 'image: NIfTI file (.nii/.nii.gz) or DICOM series folder')
    .option('--labels <path>', 'label volume (NIfTI, or a folder of per-slice PNG masks)')
    .option(
      '--label-values <pairs>',
      'label value per class, e.g. liver=1,spleen=4 (default: value = class index; PNG masks are 0/1)',
    )
    .addOption(
      new Option('--backend <runtime>', 'ONNX Runtime in Node').choices(['node', 'web']).default('node'),
    )
    .addOption(memoryBudgetOption())
    .option(
      '--allow-irregular-spacing',
      'DICOM series with missing or unevenly spaced slices: read them on one mean spacing (the deviation goes into report.json) instead of refusing them',
    )
    .option('--json', 'machine-readable result on stdout');

withCommon(program.command('segment').description("write the model's label map"))
  .requiredOption('--out <file.nii.gz>', 'output label map')
  .action(run(segment));

withCommon(
  program.command('evaluate').description("per-class Dice and IoU of the model's prediction vs --labels"),
).action(run(evaluate));

withCommon(
  program
    .command('explain')
    .description(
      'explain the model’s output for one organ; --input may be a cohort: a folder of NIfTI files or DICOM series folders, or a list file',
    ),
)
  .requiredOption(
    '--organ <name or prompt>',
    'organ class, or one of its prompts (e.g. "hepatic parenchyma")',
  )
  .addOption(
    new Option('--method <method>', 'perturbation method')
      .choices(['occlusion', 'rise', 'lime'])
      .default('occlusion'),
  )
  .addOption(
    new Option('--roi <mode>', 'where perturbations go').choices(['clip', 'mask', 'none']).default('clip'),
  )
  .addOption(
    new Option(
      '--roi-shape <shape>',
      'the ROI as its region (mask) or its bounding box (box, the paper’s) (default: mask)',
    ).choices(['mask', 'box']),
  )
  .addOption(
    new Option('--scope <scope>', 'what to explain').choices(['slice', 'slab', 'volume']).default('slab'),
  )
  .option('--slice <k>', 'slice index in sorted series order (scope slice)', integer('--slice'))
  .option(
    '--slice-stride <k>',
    'scope slab/volume, 2-D models: perturb every k-th slice of the ROI (first and last always) and interpolate the maps between; auto: slices about 16 mm apart (default 1: every slice)',
    wholeNumberOr('auto', '--slice-stride', 1, ' (1: every slice)'),
  )
  .option('--window-mm <w>', 'occlusion window edge in mm (default 20)', positive('--window-mm'))
  .option('--stride-mm <s>', 'occlusion stride in mm (default: half the window)', positive('--stride-mm'))
  .option(
    '--outside-tile-factor <f>',
    'occlusion with an ROI: tiles of about f windows across rank the outside coarsely, one pass each (default 2.25; 0 = none)',
    nonNegative('--outside-tile-factor'),
  )
  .addOption(
    new Option(
      '--outside-tiles <shape>',
      'occlusion with an ROI: outside tiles are SLIC superpixels of f × the window that follow the anatomy, or grid squares of f × f windows (default: slic)',
    ).choices(['grid', 'slic']),
  )
  .option('--samples <n>', 'RISE masks or LIME samples', wholeNumberIn('--samples', 1, 100_000))
  .option('--method-option <name=value>', methodOptionHelp(), collectMethodOption)
  .option(
    '--coarse-to-fine',
    'occlusion: windows ×factor first, then the fine windows only where that saliency is high',
  )
  .option(
    '--coarse-factor <f>',
    'coarse-to-fine: coarse window = f × window (default 2)',
    positive('--coarse-factor'),
  )
  .option(
    '--refine-fraction <f>',
    'coarse-to-fine: refine where the coarse saliency ≥ f × its maximum (default 0.5)',
    fraction('--refine-fraction'),
  )
  .option(
    '--margin-mm <m>',
    'ROI margin in mm (default 10; at least half the window)',
    positive('--margin-mm'),
  )
  .option('--fill <mode>', 'removed voxels become: min, mean, blur or a number', 'min')
  .addOption(new Option('--target <kind>', 'organ score').choices(['sum', 'softDice']).default('sum'))
  .option(
    '--target-region <component | file[:value]>',
    'explain the organ score over one region instead of the whole predicted organ: a component of the prediction on the explained slices (1 = the largest), or a label volume on the image grid (its nonzero voxels, or those of one value)',
  )
  .option(
    '--batch-size <n>',
    'perturbed images per model call, or auto: the fastest of 1, 2, 4, 8 (within --memory-budget), timed on the first calls',
    // auto: the fastest of a few sizes, timed on the run's first model calls (see BatchTuner).
    wholeNumberOr('auto', '--batch-size', 1),
    'auto',
  )
  .option('--seed <n>', 'seed of RISE/LIME sampling', wholeNumberIn('--seed', 0, 2 ** 32 - 1), 0)
  .option(
    '--sanity',
    'also run the sanity checks (report.json "sanity"): the map on copies of the model with its layers randomised from the top, on a model that ignores its input (must be 0), and RISE/LIME with other seeds; costs about one explanation per step and repeat',
  )
  .option(
    '--sanity-steps <n>',
    'sanity: steps of the cascading layer randomisation (default 4; 0 skips it)',
    integer('--sanity-steps'),
  )
  .option(
    '--sanity-repeats <n>',
    'sanity: RISE/LIME repeats with other seeds (default 2)',
    integer('--sanity-repeats'),
  )
  .requiredOption(
    '--out <dir>',
    'output folder (saliency.nii.gz, overlay.png, report.json; for a cohort one folder per case and summary.csv)',
  )
  .option(
    '--shard <i/n>',
    'cohorts: explain only shard i of n (1-based; e.g. $SLURM_ARRAY_TASK_ID/n, $((JOB_COMPLETION_INDEX+1))/n)',
  )
  .option('--seg <out.dcm>', 'also write the saliency as DICOM SEG (DICOM series input only)')
  .addOption(
    new Option('--seg-type <type>', 'SEG encoding: binary (…66.4) or label map (…66.7)')
      .choices(['binary', 'labelmap'])
      .default('binary'),
  )
  .option(
    '--seg-levels <n>',
    'saliency levels, as in the viewer (n − 1 segments)',
    integer('--seg-levels'),
    6,
  )
  .option(
    '--pmap <out.dcm>',
    'also write the continuous saliency as a DICOM Parametric Map (float32; DICOM series input only)',
  )
  .option(
    '--stow <url>',
    'store the SEG and the Parametric Map with STOW-RS at this DICOMweb root (--stow alone: the SEG, at <out>/saliency.seg.dcm)',
  )
  .option(
    '--faithfulness',
    'also measure the map’s faithfulness into report.json: deletion/insertion AUC over the ROI’s order up to 3× the predicted organ, the same for a random order, and the pointing game (125 passes per explained image)',
  )
  .option(
    '--report <file.html>',
    'also write a one-page, self-contained HTML report (the slice with its overlay, settings, ROI, figures, model card; one image only)',
  )
  .action(run(explain));

/** A bench default as the help shows it, read off the settings so the text cannot drift: "quick 1, full 5". */
const benchDefault = (pick: (settings: BenchSettings) => unknown): string =>
  `quick ${String(pick(defaultSettings('quick')))}, full ${String(pick(defaultSettings('full')))}`;

program
  .command('bench')
  .description(
    'the paper’s table on CHAOS CT and MR: occlusion, RISE, LIME × full image / ROI, with runtime, Dice/IoU, deletion/insertion AUC and engine overhead',
  )
  .option('--quick', 'a few slices (CI): one CT slice, one MR subject’s liver, fewer samples')
  .option('--json <file>', 'JSON result (default: <out>/bench-<mode>.json)')
  .option('--markdown <file>', 'markdown tables (default: the JSON path with .md)')
  .option('--out <dir>', 'folder for the default output files', 'out/bench')
  .option(
    '--data <dir>',
    'data folder with chaos-ct/ and chaos-mr-t2/ (default: $XAI_CLIP_DATA or ../shared/data)',
  )
  .option('--ct-model <manifest.json>', 'CT model (default: models/chaos-ct-segformer/manifest.json)')
  .option('--mr-model <manifest.json>', 'MR model (default: models/chaos-mr-t2-segformer/manifest.json)')
  .option(
    '--cases <file.json>',
    'benchmark your own images instead: {"cases": [{dataset, model, input, labels, organs}]}',
  )
  .option('--datasets <list>', 'chaos-ct, chaos-mr or both', 'chaos-ct,chaos-mr')
  .option('--methods <list>', 'methods to run (default occlusion,rise,lime)')
  .option('--mr-subjects <list>', 'CHAOS MR subjects (default: the MR model’s held-out subjects)')
  .option('--mr-organs <list>', 'MR organs (default: liver,right_kidney,left_kidney,spleen; quick: liver)')
  .option('--batch-size <n>', 'perturbed images per model call (default 8)', integer('--batch-size'))
  .option('--window-mm <w>', 'occlusion window in mm (default 20)', positive('--window-mm'))
  .option('--stride-mm <s>', 'occlusion stride in mm (default 10)', positive('--stride-mm'))
  .option(
    '--outside-tile-factor <f>',
    'ROI occlusion: outside-ROI tiles of about f windows across (default 2.25; 0 = the paper’s blank outside)',
    nonNegative('--outside-tile-factor'),
  )
  .addOption(
    new Option(
      '--outside-tiles <shape>',
      'ROI occlusion: outside tiles as SLIC superpixels or grid squares (default: slic)',
    ).choices(['grid', 'slic']),
  )
  .option(
    '--rise-masks <n>',
    'RISE masks, the same count for both variants (default: masks per cell, quick 2 per 40 mm cell, full 8 per 20 mm cell)',
    integer('--rise-masks'),
  )
  .option(
    '--lime-samples <n>',
    'LIME samples, the same count for both variants (default: samples per superpixel, quick 0.5, full 4)',
    integer('--lime-samples'),
  )
  .option(
    '--method-option <method.name=value>',
    'a declared option of one method, repeatable (e.g. rise.keepProbability=0.3; see explain --help)',
    collectQualifiedMethodOption,
  )
  .option(
    '--slices-per-organ <n>',
    `MR (and --cases) slices per organ and subject, drawn from the model's prediction (default: ${benchDefault((s) => s.slicesPerOrgan)})`,
    integer('--slices-per-organ'),
  )
  .option(
    '--ct-slices <n>',
    `CHAOS CT liver slices (default: ${benchDefault((s) => s.ctSlices)})`,
    integer('--ct-slices'),
  )
  .option(
    '--deletion-steps <n>',
    `deletion/insertion steps up to 3 × the predicted organ (default: ${benchDefault((s) => s.deletionSteps)})`,
    integer('--deletion-steps'),
  )
  .addOption(new Option('--roi <mode>', 'ROI of the ROI-guided variant').choices(['clip', 'mask']))
  .addOption(
    new Option(
      '--roi-shape <shape>',
      'the ROI as its bounding box (default: box, the paper’s) or its region (mask, the explain default)',
    ).choices(['mask', 'box']),
  )
  .option('--no-coarse-to-fine', 'skip coarse-to-fine occlusion')
  .option(
    '--no-randomisation',
    'skip the randomisation figure (each map explained again on the model with every layer randomised)',
  )
  .option('--coarse-factor <f>', 'coarse window = factor × window (default 2)', positive('--coarse-factor'))
  .option('--refine-fraction <f>', 'refine where coarse saliency ≥ f × max (default 0.5)', Number)
  .option(
    '--slab-slices <n>',
    'occlusion slab, exhaustive vs coarse-to-fine with a slice stride: n slices around the first slice, organ (its whole slab) or 0 (none) (default: quick 5, full organ)',
    wholeNumberOr('organ', '--slab-slices', 0),
  )
  .option(
    '--slab-stride <k>',
    'the fast slab run’s slice stride (default auto, as the viewer)',
    wholeNumberOr('auto', '--slab-stride', 1, ' (1: every slice)'),
  )
  .option(
    '--sweep-batch-sizes <list>',
    `batch sizes of the performance sweep (default: ${benchDefault((s) => s.sweepBatchSizes.join(','))})`,
  )
  .option('--seed <n>', 'seed of RISE/LIME sampling', integer('--seed'))
  .option(
    '--timing-repeats <n>',
    `timed runs per explanation, variants in turns; the fastest counts (default: ${benchDefault((s) => s.timingRepeats)})`,
    integer('--timing-repeats'),
  )
  .option(
    '--store <file.jsonl>',
    'keep each slice’s results in this JSON-lines file (appended after each slice) and reuse those made with the same model and map settings: run the benchmark in parts (e.g. one organ at a time) or resume it, then run the whole selection with the same store to aggregate',
  )
  .option('--strict', 'exit 1 when a check of the issue’s claims fails')
  .option('--quiet', 'no per-explanation lines on stderr')
  .action(run(bench));

const models = program.command('models').description('model manifests');
models
  .command('validate <manifest>')
  .description('check a manifest and run a dry inference')
  .addOption(
    new Option('--backend <runtime>', 'ONNX Runtime in Node').choices(['node', 'web']).default('node'),
  )
  .addOption(memoryBudgetOption())
  .option(
    '--measure-memory',
    "measure the segmenter's memory per image (peak resident memory, batch 1 against a larger batch, node backend) and print the manifest's activationBytesPerVoxel line",
  )
  .option('--json', 'machine-readable result on stdout')
  .action(run(validateModel));
// Run by --measure-memory in a fresh process per batch size; not for people.
models
  .command('batch-peak-memory <manifest>', { hidden: true })
  .requiredOption('--batch <n>', 'batch size', integer('--batch'))
  .action(run(batchPeakMemory));

// Before commander and onnxruntime see them: overlong arguments crash the runtime without a word.
const tooLong = argumentLengthProblem(process.argv.slice(2));
if (tooLong) {
  process.stderr.write(`xai-clip: ${tooLong}\n`);
  process.exitCode = 1;
} else {
  program.parseAsync(process.argv);
}
