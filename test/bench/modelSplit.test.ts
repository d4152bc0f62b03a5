import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  heldOutFromAll,
  idRanges,
  ModelSplit,
  networkFolders,
  readModelSplit,
} from '../../cli/src/io/modelSplit';
import { runCli as cli } from '../helpers/runCli';

const MODELS = path.join(__dirname, '..', '..', 'models');
const readJson = (...parts: string[]) => JSON.parse(readFileSync(path.join(MODELS, ...parts), 'utf8'));

describe('model split files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-split-'));
  const split = (heldOut: Record<string, number[]>): ModelSplit => ({
    model: 'm',
    command: 'c',
    sources: Object.fromEntries(
      Object.entries(heldOut).map(([name, ids]) => [
        name,
        { data: name, unit: 'subject', train: [], validation: [], heldOut: ids },
      ]),
    ),
  });

  it('finds the split files beside the segmenter and the CLIP image encoder a manifest names', () => {
    mkdirSync(path.join(dir, 'model'));
    mkdirSync(path.join(dir, 'clip'));
    const manifest = path.join(dir, 'model', 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        segmenter: { file: 'segmenter.onnx' },
        clip: { imageEncoder: { file: '../clip/image.onnx' } },
      }),
    );
    expect(networkFolders(manifest)).toEqual({
      segmenter: path.join(dir, 'model'),
      clip: path.join(dir, 'clip'),
    });
    writeFileSync(
      path.join(dir, 'model', 'split.json'),
      JSON.stringify(split({ 'chaos-mr-t2': [3, 13, 21] })),
    );
    expect(readModelSplit(path.join(dir, 'model')).sources['chaos-mr-t2'].heldOut).toEqual([3, 13, 21]);
  });

  it('holds out what every network that used a source held out, and everything no network used', () => {
    const segmenter = split({ 'chaos-mr-t2': [3, 13, 21, 33], 'chaos-ct': [30, 31, 32] });
    const clip = split({ 'chaos-mr-t2': [13, 33, 34] });
    expect(heldOutFromAll([segmenter, clip], 'chaos-mr-t2')).toEqual([13, 33]);
    expect(heldOutFromAll([segmenter, clip], 'chaos-ct')).toEqual([30, 31, 32]);
    expect(heldOutFromAll([segmenter, clip], 'totalseg-ct-nifti')).toBeUndefined();
    expect(idRanges([45, 30, 31, 32, 33, 3])).toBe('3, 30–33, 45');
  });

  it('fails, saying what to do, when a split file is missing or malformed', () => {
    expect(() => readModelSplit(path.join(dir, 'none'))).toThrow(
      /split\.json is missing: .*train_segmenter\.py/,
    );
    mkdirSync(path.join(dir, 'bad'));
    writeFileSync(
      path.join(dir, 'bad', 'split.json'),
      JSON.stringify({ model: 'm', command: 'c', sources: { 'chaos-ct': { heldOut: ['30-45'] } } }),
    );
    expect(() => readModelSplit(path.join(dir, 'bad'))).toThrow(/sources\.chaos-ct\.train must be a list/);
  });

  it('makes the benchmark stop with that message when a model has no split file', async () => {
    mkdirSync(path.join(dir, 'unsplit'));
    writeFileSync(
      path.join(dir, 'unsplit', 'manifest.json'),
      JSON.stringify({ segmenter: { file: 'x.onnx' } }),
    );
    const result = await cli(
      'bench',
      '--quick',
      '--data',
      dir,
      '--datasets',
      'chaos-mr',
      '--mr-model',
      path.join(dir, 'unsplit', 'manifest.json'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unsplit.split\.json is missing/);
  });

  it('records for the bundled models what their training reports and logs say they trained on', () => {
    const ct = readModelSplit(path.join(MODELS, 'chaos-ct-segformer'));
    const mr = readModelSplit(path.join(MODELS, 'chaos-mr-t2-segformer'));
    const clip = readModelSplit(path.join(MODELS, 'chaos-clip'));
    // The MR report's held-out Dice is keyed by subject; the CT report counts its training slices.
    const mrReport = readJson('chaos-mr-t2-segformer', 'training_report.json');
    expect(mr.sources['chaos-mr-t2'].heldOut).toEqual(Object.keys(mrReport.heldOutDice).map(Number));
    const ctReport = readJson('chaos-ct-segformer', 'training_report.json');
    const ctTrained = Object.values(ct.sources).reduce((sum, source) => sum + source.train.length, 0);
    expect(ctTrained).toBe(ctReport.trainingSlices);
    const clipLog = readJson('chaos-clip', 'training_log.json');
    expect(clip.sources['chaos-mr-t2'].heldOut).toEqual(clipLog.heldOutMR);
    expect(clip.sources['chaos-ct'].train).toEqual(clipLog.ctTrainFiles);
    expect(clip.sources['chaos-ct'].heldOut).toEqual(clipLog.ctHeldOutFiles);
    // What the benchmark uses: held out from the segmenter and from CLIP.
    expect(heldOutFromAll([ct, clip], 'chaos-ct')).toEqual(clipLog.ctHeldOutFiles);
    expect(heldOutFromAll([mr, clip], 'chaos-mr-t2')).toEqual([3, 13, 21, 33]);
  });
});
