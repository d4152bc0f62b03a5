import { Command, InvalidArgumentError, Option } from 'commander';
import { evaluate } from './commands/evaluate';
import { explain } from './commands/explain';
import { segment } from './commands/segment';
import { validateModel } from './commands/validateModel';

const integer = (name: string) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ 0.`);
  return value;
};
const positive = (name: string) => (text: string) => {
  const value = Number(text);
  if (!(value > 0)) throw new InvalidArgumentError(`${name} must be a number > 0.`);
  return value;
};

/** Runs an action; a failure prints one clear line (and JSON with --json) and exits 1. */
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      const message = (error as Error).message;
      const json = args.some(
        (arg) => typeof arg === 'object' && arg !== null && (arg as { json?: boolean }).json,
      );
      if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
      process.stderr.write(`xai-clip: ${message}\n`);
      process.exitCode = 1;
    }
  };

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
      'label value per class, e.g. liver=1,spleen=4 (default: value = class index)',
    )
    .addOption(
      new Option('--backend <runtime>', 'ONNX Runtime in Node').choices(['node', 'web']).default('node'),
    )
    .option('--json', 'machine-readable result on stdout');

withCommon(program.command('segment').description("write the model's label map"))
  .requiredOption('--out <file.nii.gz>', 'output label map')
  .action(run(segment));

withCommon(
  program.command('evaluate').description("per-class Dice and IoU of the model's prediction vs --labels"),
).action(run(evaluate));

withCommon(program.command('explain').description('explain the model’s output for one organ'))
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
    new Option('--scope <scope>', 'what to explain').choices(['slice', 'slab', 'volume']).default('slab'),
  )
  .option('--slice <k>', 'slice index in sorted series order (scope slice)', integer('--slice'))
  .option('--window-mm <w>', 'occlusion window edge in mm (default 20)', positive('--window-mm'))
  .option('--stride-mm <s>', 'occlusion stride in mm (default: half the window)', positive('--stride-mm'))
  .option('--samples <n>', 'RISE masks or LIME samples', integer('--samples'))
  .option(
    '--margin-mm <m>',
    'ROI margin in mm (default 10; at least half the window)',
    positive('--margin-mm'),
  )
  .option('--fill <mode>', 'removed voxels become: min, mean, blur or a number', 'min')
  .addOption(new Option('--target <kind>', 'organ score').choices(['sum', 'softDice']).default('sum'))
  .option('--batch-size <n>', 'perturbed images per model call', integer('--batch-size'), 8)
  .option('--seed <n>', 'seed of RISE/LIME sampling', integer('--seed'), 0)
  .requiredOption('--out <dir>', 'output folder (saliency.nii.gz, report.json)')
  .action(run(explain));

const models = program.command('models').description('model manifests');
models
  .command('validate <manifest>')
  .description('check a manifest and run a dry inference')
  .addOption(
    new Option('--backend <runtime>', 'ONNX Runtime in Node').choices(['node', 'web']).default('node'),
  )
  .option('--json', 'machine-readable result on stdout')
  .action(run(validateModel));

program.parseAsync(process.argv);
