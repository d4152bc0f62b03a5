/**
 * Localisation check of a CLIP organ localiser with the product's own code: held-out CHAOS slices
 * → OrtSimilarityModel.similarity (the runtime's resampling, channels, patch/text cosine) →
 * targetProbabilityMap (softmax over the prompt classes with logitScale) → roiFromSimilarity
 * (min–max → Otsu → largest connected component → bounding box → margin), one slice at a time.
 *
 * Per slice and organ present: coverage = ground-truth voxels inside the ROI box / ground-truth
 * voxels; area = box voxels / body voxels. The body is the slice's voxels above −500 HU (CT) or
 * above 10 % of the slice's 99th percentile (MR), largest 4-connected component, holes filled.
 *
 * Used by eval_clip_localisation.js (the full table) and test/models/clip.test.ts (acceptance).
 */
import * as fs from 'fs';
import * as path from 'path';
import { readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { readNifti } from '../../cli/src/io/readNifti';
import { readPngMaskFolder } from '../../cli/src/io/readPngMaskFolder';
import { mmToVoxels } from '../../extension/src/engine/methods/mmToVoxels';
import { roiFromSimilarity } from '../../extension/src/engine/roi/roiFromSimilarity';
import { targetProbabilityMap } from '../../extension/src/engine/roi/targetProbabilityMap';
import { largestConnectedComponent } from '../../extension/src/engine/util/largestConnectedComponent';
import { Box, boundingBoxOf } from '../../extension/src/engine/volume/Box';
import { Vec3, Volume } from '../../extension/src/engine/volume/Volume';
import { sliceOf } from '../../extension/src/engine/volume/volumeUtils';
import { ClipEntry } from '../../extension/src/runtime/manifest/ModelManifest';
import { createSession } from '../../extension/src/runtime/ort/createSession';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';
import { OrtSimilarityModel } from '../../extension/src/runtime/OrtSimilarityModel';

/** The held-out split of models/train/clip_data.py. */
export const HELD_OUT_MR = [2, 8, 22, 34];
export const CT_HELD_OUT_FILES = Array.from({ length: 39 }, (_, n) => 39 + n);
/** CHAOS MR label value → organ (the CLIP's class names). */
export const MR_ORGANS: Record<number, string> = {
  1: 'liver',
  2: 'right kidney',
  3: 'left kidney',
  4: 'spleen',
};

export interface HeldOutSlice {
  source: string;
  modality: 'CT' | 'MR';
  slice: Volume;
  /** Ground-truth mask per organ present on this slice. */
  organs: Record<string, Uint8Array>;
}

export interface SliceResult {
  source: string;
  modality: 'CT' | 'MR';
  organ: string;
  coverage: number;
  area: number;
  /** Area of the ground truth's own bounding box / body: the least area a box with full coverage has. */
  oracleArea: number;
  box: Box;
  fallbackReason?: string;
}

/**
 * Loads the CLIP of a model folder (bare file names, as in clip.manifest-part.json) on onnxruntime-node.
 * `precomputed: false` ignores prompt_embeddings.json, so the class embeddings come from the text encoder.
 */
export async function loadClip(
  folder: string,
  ort: OrtModule,
  options: { precomputed?: boolean } = {},
): Promise<{ clip: OrtSimilarityModel; entry: ClipEntry }> {
  const entry = JSON.parse(
    fs.readFileSync(path.join(folder, 'clip.manifest-part.json'), 'utf8'),
  ) as ClipEntry;
  const read = (file: string) => new Uint8Array(fs.readFileSync(path.join(folder, file)));
  const image = await createSession(ort, read(entry.imageEncoder.file), ['cpu'], 'the CLIP image encoder');
  const text = entry.textEncoder
    ? {
        session: (await createSession(ort, read(entry.textEncoder.file), ['cpu'], 'the CLIP text encoder'))
          .session,
        vocabulary: JSON.parse(fs.readFileSync(path.join(folder, entry.textEncoder.vocabulary), 'utf8')),
      }
    : undefined;
  const precomputed =
    entry.promptEmbeddings && options.precomputed !== false
      ? JSON.parse(fs.readFileSync(path.join(folder, entry.promptEmbeddings), 'utf8'))
      : undefined;
  return { clip: await OrtSimilarityModel.create(ort, entry, image.session, text, precomputed), entry };
}

/** Held-out CHAOS MR subjects (all slices with an organ) and CHAOS CT files (liver). */
export async function loadHeldOut(
  root: string,
  options: { mrSubjects?: number[]; mrSlices?: (k: number) => boolean; ctFiles?: number[] } = {},
): Promise<HeldOutSlice[]> {
  const out: HeldOutSlice[] = [];
  for (const n of options.mrSubjects ?? HELD_OUT_MR) {
    const image = await readNifti(path.join(root, 'chaos-mr-t2', `image_${n}.nii.gz`));
    const labels = await readNifti(path.join(root, 'chaos-mr-t2', `label_${n}.nii.gz`));
    const [nx, ny, nz] = image.dimensions;
    const plane = nx * ny;
    for (let k = 0; k < nz; k++) {
      if (options.mrSlices && !options.mrSlices(k)) continue;
      const organs: Record<string, Uint8Array> = {};
      for (const [value, organ] of Object.entries(MR_ORGANS)) {
        const mask = new Uint8Array(plane);
        let count = 0;
        for (let v = 0; v < plane; v++) {
          if (Math.round(labels.data[k * plane + v]) === Number(value)) {
            mask[v] = 1;
            count++;
          }
        }
        if (count > 0) organs[organ] = mask;
      }
      if (Object.keys(organs).length > 0) {
        out.push({ source: `chaos-mr-${n}:${k}`, modality: 'MR', slice: sliceOf(image, k), organs });
      }
    }
  }
  const ctFiles = options.ctFiles ?? CT_HELD_OUT_FILES;
  if (ctFiles.length > 0) {
    const ct = await readDicomSeries(path.join(root, 'chaos-ct', 'dicom'));
    const gt = readPngMaskFolder(path.join(root, 'chaos-ct', 'liver-gt'), ct, ct.meta.sliceFileIndex);
    const plane = ct.dimensions[0] * ct.dimensions[1];
    for (const file of ctFiles) {
      const k = ct.meta.sliceFileIndex.indexOf(file);
      const mask = Uint8Array.from(gt.data.subarray(k * plane, (k + 1) * plane));
      if (!mask.some((v) => v)) continue;
      out.push({
        source: `chaos-ct-file${file}`,
        modality: 'CT',
        slice: sliceOf(ct, k),
        organs: { liver: mask },
      });
    }
  }
  return out;
}

/** The evaluation's body mask of one slice (see the file comment). */
export function bodyMask(slice: Volume, modality: 'CT' | 'MR'): Uint8Array {
  const [nx, ny] = slice.dimensions;
  const values = Float32Array.from(slice.data);
  let threshold = -500;
  if (modality === 'MR') {
    const sorted = Float32Array.from(values).sort();
    threshold = 0.1 * sorted[Math.round(0.99 * (sorted.length - 1))];
  }
  const above = Uint8Array.from(values, (v) => (v > threshold ? 1 : 0));
  const body = largestConnectedComponent(above, [nx, ny, 1]);
  // Fill holes: background 4-connected to the border stays background.
  const outside = new Uint8Array(nx * ny);
  const queue = new Int32Array(nx * ny);
  let head = 0;
  let tail = 0;
  const push = (v: number) => {
    if (!body[v] && !outside[v]) {
      outside[v] = 1;
      queue[tail++] = v;
    }
  };
  for (let i = 0; i < nx; i++) {
    push(i);
    push((ny - 1) * nx + i);
  }
  for (let j = 0; j < ny; j++) {
    push(j * nx);
    push(j * nx + nx - 1);
  }
  while (head < tail) {
    const v = queue[head++];
    const i = v % nx;
    const j = (v - i) / nx;
    if (i > 0) push(v - 1);
    if (i < nx - 1) push(v + 1);
    if (j > 0) push(v - nx);
    if (j < ny - 1) push(v + nx);
  }
  return Uint8Array.from(outside, (o) => (o ? 0 : 1));
}

/** ROI margin in voxels on one slice: `marginMm` in-plane (the CLI's rule), none across slices. */
export function sliceMargin(slice: Volume, marginMm: number): Vec3 {
  if (marginMm <= 0) return [0, 0, 0];
  const margin = mmToVoxels(marginMm, slice.spacing, slice.dimensions);
  return [margin[0], margin[1], 0];
}

/** The ROI of every organ present on `item`, each against all other prompt classes (as the CLI does). */
export async function localise(
  clip: OrtSimilarityModel,
  logitScale: number,
  item: HeldOutSlice,
  marginsMm: number[],
): Promise<SliceResult[][]> {
  const body = bodyMask(item.slice, item.modality);
  const bodyVoxels = body.reduce((sum, v) => sum + v, 0);
  const [nx, ny] = item.slice.dimensions;
  const results: SliceResult[][] = marginsMm.map(() => []);
  for (const [organ, gt] of Object.entries(item.organs)) {
    const others = clip.classes.filter((name) => name !== organ);
    const { maps } = await clip.similarity(item.slice, { target: organ, others });
    const probability = targetProbabilityMap(maps, 0, logitScale);
    let gtVoxels = 0;
    for (let v = 0; v < gt.length; v++) gtVoxels += gt[v];
    const gtBox = boundingBoxOf(gt, [nx, ny, 1])!;
    const oracleArea = ((gtBox.max[0] - gtBox.min[0]) * (gtBox.max[1] - gtBox.min[1])) / bodyVoxels;
    marginsMm.forEach((marginMm, m) => {
      const roi = roiFromSimilarity(probability, [nx, ny, 1], sliceMargin(item.slice, marginMm));
      const box = roi.sliceBoxes?.[0] ?? roi.box;
      let inside = 0;
      for (let j = box.min[1]; j < box.max[1]; j++) {
        for (let i = box.min[0]; i < box.max[0]; i++) inside += gt[j * nx + i];
      }
      const boxVoxels = (box.max[0] - box.min[0]) * (box.max[1] - box.min[1]);
      results[m].push({
        source: item.source,
        modality: item.modality,
        organ,
        coverage: inside / gtVoxels,
        area: boxVoxels / bodyVoxels,
        oracleArea,
        box,
        fallbackReason: roi.fallbackReason,
      });
    });
  }
  return results;
}

/** Mean coverage and area per modality and organ, and how many slices meet both targets. */
export function summarise(
  results: SliceResult[],
  targets = { coverage: 0.95, area: 0.35 },
): {
  group: string;
  slices: number;
  coverage: number;
  area: number;
  oracleArea: number;
  slicesMeetingBoth: number;
}[] {
  const groups = new Map<string, SliceResult[]>();
  for (const r of results) {
    const key = `${r.modality} ${r.organ}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  groups.set('all (slice-organ pairs)', results);
  return [...groups.entries()].map(([group, rs]) => ({
    group,
    slices: rs.length,
    coverage: rs.reduce((s, r) => s + r.coverage, 0) / rs.length,
    area: rs.reduce((s, r) => s + r.area, 0) / rs.length,
    oracleArea: rs.reduce((s, r) => s + r.oracleArea, 0) / rs.length,
    slicesMeetingBoth: rs.filter((r) => r.coverage >= targets.coverage && r.area <= targets.area).length,
  }));
}
