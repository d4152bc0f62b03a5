import { writeFileSync } from 'fs';
import * as path from 'path';
import { BenchOrgan } from '../../cli/src/bench/benchCases';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture, plantedMask, plantedSlice } from './plantedImage';

/**
 * A tiny benchmark dataset in `dir`: 3 planted 64×64 slices (image.nii.gz) with the organ S labelled 1
 * on slices 1 and 2 (labels.nii.gz), and a cases file (returned) explaining `organs` with the planted
 * model, which predicts the organ on all three slices.
 */
export function writePlantedBenchCase(dir: string, organs: BenchOrgan[], casesFile = 'cases.json'): string {
  const data = new Float32Array(64 * 64 * 3);
  const labels = new Uint8Array(64 * 64 * 3);
  for (let k = 0; k < 3; k++) data.set(plantedSlice().data, k * 64 * 64);
  labels.set(plantedMask(), 64 * 64);
  labels.set(plantedMask(), 2 * 64 * 64);
  const geometry = { spacing: [1, 1, 2] as [number, number, number] };
  writeNifti(path.join(dir, 'image.nii.gz'), createVolume(data, [64, 64, 3], geometry));
  writeNifti(path.join(dir, 'labels.nii.gz'), createVolume(labels, [64, 64, 3], geometry));
  const cases = path.join(dir, casesFile);
  const planted = { dataset: 'planted', model: fixture('planted2d.manifest.json'), input: 'image.nii.gz' };
  writeFileSync(cases, JSON.stringify({ cases: [{ ...planted, labels: 'labels.nii.gz', organs }] }));
  return cases;
}
