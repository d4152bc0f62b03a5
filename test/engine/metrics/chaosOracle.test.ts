import * as path from 'path';
import { overlap } from '../../../extension/src/engine/metrics/overlap';
import { readPngMaskFolder } from '../../../cli/src/io/readPngMaskFolder';
import { dataRoot } from '../../helpers/dataRoot';

it('reproduces the CHAOS organisers’ Dice 0.978 / IoU 0.958 for the sample prediction vs the liver ground truth', () => {
  const chaos = path.join(dataRoot(), 'chaos-ct');
  const prediction = readPngMaskFolder(path.join(chaos, 'sample-prediction'));
  const truth = readPngMaskFolder(path.join(chaos, 'liver-gt'));
  expect(prediction.dimensions).toEqual([512, 512, 78]);
  const { dice, iou } = overlap(prediction.data, truth.data);
  expect(dice).toBeCloseTo(0.978, 3);
  expect(iou).toBeCloseTo(0.958, 3);
});
