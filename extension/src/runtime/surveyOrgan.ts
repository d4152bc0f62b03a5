import { ExplanationCancelledError } from '../engine/evaluate/ProgressTracker';
import { segmentVolume } from '../engine/explain/segmentVolume';
import { targetProbabilityMap } from '../engine/roi/targetProbabilityMap';
import { Vec3, Volume } from '../engine/volume/Volume';
import { sliceOf } from '../engine/volume/volumeUtils';
import { clipRoiSettings } from './clip/clipRoiSettings';
import { hasClipPrompts } from './clip/hasClipPrompts';
import { LoadedModel } from './loadModel';
import { resolveOrgan } from './resolveOrgan';

/** Where an organ is in a series, slice by slice, by the segmenter and by the CLIP localiser. */
export interface OrganSurvey {
  organ: string;
  /** Voxels the segmenter labels as the organ, per slice. */
  modelVoxels: number[];
  /**
   * Share of each slice where CLIP ranks the organ above every other prompt class; absent without
   * CLIP or without prompts for the organ.
   */
  clipFraction?: number[];
  /** Voxels per slice. */
  sliceVoxels: number;
  /**
   * Each slice's bounding box of the segmenter's organ voxels, [i0, j0, i1, j1) in voxels; null
   * where it finds none: the organ's footprint a cost estimate before a run needs (estimatePasses).
   */
  modelBoxes: (OrganSliceBox | null)[];
  /** The surveyed grid and the segmenter's dimensionality, for the same estimate. */
  dimensions: Vec3;
  spacing: Vec3;
  dimensionality: 2 | 3;
  /** The model manifest's name: whose pass speed the estimate's time is measured on. */
  model: string;
}

/** [i0, j0, i1, j1): an organ's extent on one slice, end-exclusive. */
export type OrganSliceBox = [number, number, number, number];

/** What a survey says about one slice before any run. */
export interface SliceVerdict {
  modelFinds: boolean;
  /** Undefined when the model has no CLIP localiser. */
  clipFinds?: boolean;
  modelVoxels: number;
}

/**
 * The slice where the model finds the organ and the localiser agrees are what an explanation
 * needs; a slice where they disagree is worth a question before minutes of perturbations.
 * Thresholds: the model finds the organ on ≥ 0.1 % of the slice's voxels (the CT model's
 * false positives on liver-free slices stay under 200 of 262,144), CLIP on ≥ 0.5 % (liver-free
 * CT slices score 0 %, the smallest liver section 1.2 %).
 */
export const MODEL_PRESENCE_FRACTION = 0.001;
export const CLIP_PRESENCE_FRACTION = 0.005;

/**
 * Segments every slice (2-D models; one pass for 3-D) and, with a CLIP localiser, scores each
 * slice's organ map: the facts the panel shows before a run and uses to go to the organ.
 */
export async function surveyOrgan(
  loaded: LoadedModel,
  volume: Volume,
  organ: string,
  hooks: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<OrganSurvey> {
  const { classIndex, className } = resolveOrgan(loaded.manifest, organ);
  const [nx, ny, nz] = volume.dimensions;
  const sliceVoxels = nx * ny;
  // An organ without CLIP prompts is surveyed by the segmenter alone, as on a model without CLIP.
  const clip = hasClipPrompts(loaded.manifest.clip, className) ? loaded.clip : undefined;
  const total = nz * (clip ? 2 : 1);
  const check = () => {
    if (hooks.signal?.aborted) throw new ExplanationCancelledError();
  };
  const labels = await segmentVolume(volume, loaded.segmenter, (done) => {
    check();
    hooks.onProgress?.(done * (loaded.segmenter.dimensionality === 3 ? nz : 1), total);
  });
  const modelVoxels: number[] = [];
  const modelBoxes: (OrganSliceBox | null)[] = [];
  for (let k = 0; k < nz; k++) {
    let count = 0;
    const box: OrganSliceBox = [nx, ny, 0, 0];
    for (let j = 0, v = k * sliceVoxels; j < ny; j++) {
      for (let i = 0; i < nx; i++, v++) {
        if (labels.data[v] !== classIndex) continue;
        count++;
        box[0] = Math.min(box[0], i);
        box[1] = Math.min(box[1], j);
        box[2] = Math.max(box[2], i + 1);
        box[3] = Math.max(box[3], j + 1);
      }
    }
    modelVoxels.push(count);
    modelBoxes.push(count > 0 ? box : null);
  }
  const found = {
    organ: className,
    modelVoxels,
    sliceVoxels,
    modelBoxes,
    dimensions: [...volume.dimensions] as Vec3,
    spacing: [...volume.spacing] as Vec3,
    dimensionality: loaded.segmenter.dimensionality,
    model: loaded.manifest.name,
  };
  if (!clip) return found;
  const others = clip.classes.filter((name) => name !== className);
  const { logitScale } = clipRoiSettings(loaded.manifest.clip!, className);
  const clipFraction: number[] = [];
  for (let k = 0; k < nz; k++) {
    check();
    const { maps } = await clip.similarity(sliceOf(volume, k), { target: className, others });
    const probability = targetProbabilityMap(maps, 0, logitScale);
    let wins = 0;
    for (let v = 0; v < probability.length; v++) if (probability[v] > 0.5) wins++;
    clipFraction.push(wins / sliceVoxels);
    hooks.onProgress?.(nz + k + 1, total);
  }
  return { ...found, clipFraction };
}

/** Whether the model and the localiser find the organ on slice k. */
export function sliceVerdict(survey: OrganSurvey, k: number): SliceVerdict {
  const modelVoxels = survey.modelVoxels[k] ?? 0;
  return {
    modelVoxels,
    modelFinds: modelVoxels >= MODEL_PRESENCE_FRACTION * survey.sliceVoxels,
    clipFinds: survey.clipFraction && (survey.clipFraction[k] ?? 0) >= CLIP_PRESENCE_FRACTION,
  };
}

/** The slice where the model finds the most of the organ (among those CLIP agrees on, when it can), or undefined. */
export function largestOrganSlice(survey: OrganSurvey): number | undefined {
  const candidates = survey.modelVoxels
    .map((voxels, k) => ({ k, voxels, verdict: sliceVerdict(survey, k) }))
    .filter(({ verdict }) => verdict.modelFinds);
  const agreed = candidates.filter(({ verdict }) => verdict.clipFinds !== false);
  const pool = agreed.length > 0 ? agreed : candidates;
  if (pool.length === 0) return undefined;
  return pool.reduce((best, next) => (next.voxels > best.voxels ? next : best)).k;
}
