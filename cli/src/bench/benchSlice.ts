import { SegmentationModel, Volume, VoxelArray } from '@xai-clip/engine';
import { BenchCase, BenchOrgan, LoadedCase } from './benchCases';
import { InstrumentedModel } from './instrumentedModel';
import { BenchSettings } from './settings';

/** One slice under benchmark: its case, data and organ, the model, and the run's settings. */
export interface BenchSlice {
  benchCase: BenchCase;
  data: LoadedCase;
  organ: BenchOrgan;
  slice: number;
  model: InstrumentedModel;
  settings: BenchSettings;
  /** The ROI of the ROI-guided variant (the mask ROI when the model has no CLIP part). */
  roiMode: 'clip' | 'mask';
  /** The model with every layer randomised, for the randomisation figure; null: no layer; absent: not asked. */
  randomised?: SegmentationModel | null;
  log: (line: string) => void;
}

/** A copy of one slice's plane of a volume. */
export function planeOf<T extends VoxelArray>(volume: Volume<T>, slice: number): T {
  const plane = volume.dimensions[0] * volume.dimensions[1];
  return volume.data.slice(slice * plane, (slice + 1) * plane) as T;
}

/** The organ's ground truth on one slice (0/1). */
export function truthOf(labels: Volume, slice: number, labelValue: number): Uint8Array {
  const plane = labels.dimensions[0] * labels.dimensions[1];
  const out = new Uint8Array(plane);
  for (let v = 0; v < plane; v++) out[v] = labels.data[slice * plane + v] === labelValue ? 1 : 0;
  return out;
}
