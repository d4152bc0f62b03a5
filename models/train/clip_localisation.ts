/**
 * Localisation check of a CLIP organ localiser with the product's own code: held-out CHAOS slices
 * → clipRoi as `explain --roi clip` runs it on one slice of its series (OrtSimilarityModel's
 * resampling, channels and patch/text cosine on the slice and its ±contextMm neighbours →
 * targetProbabilityMap with the class's logitScale → min–max → Otsu → the largest 3-D connected
 * component (mask shape: and those of ≥ 20 % of it) → the slice's region (mask shape, grown by
 * 3 mm) or box over ±context → margin).
 *
 * Per slice and organ present: coverage = ground-truth voxels inside the ROI (the product's
 * default mask-shaped region, or its box with `shape: 'box'`) / ground-truth voxels; area = ROI
 * voxels / body voxels. The body is the slice's voxels above −500 HU (CT) or
 * above 10 % of the slice's 99th percentile (MR), largest 4-connected component, holes filled.
 *
 * Used by eval_clip_localisation.js (the full table) and test/models/clip.test.ts (acceptance).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { readDicomSeries, readNifti, readModelSplit, SPLIT_FILE } from '@xai-clip/io';
import {
  boundingBoxOf,
  Box,
  clipRoi,
  DEFAULT_ROI_SHAPE,
  forEachRoiVoxel,
  largestConnectedComponent,
  mmToVoxels,
  PromptSet,
  RoiShape,
  SimilarityModel,
  sliceOf,
  Vec3,
  Volume,
} from '@xai-clip/engine';
import {
  ClipEntry,
  clipRoiSettings,
  ClipRoiSettings,
  contextSlices,
  createSession,
  OrtModule,
  OrtSimilarityModel,
} from '@xai-clip/runtime';

/** The bundled CLIP localiser, whose split the held-out slices default to. */
export const BUNDLED_CLIP = path.join(__dirname, '..', 'chaos-clip');

/** The CHAOS MR subjects and CT files a CLIP localiser trained on and held out: its training's split.json. */
export function chaosSplit(folder: string): {
  mr: { train: number[]; heldOut: number[] };
  ctFiles: { train: number[]; heldOut: number[] };
} {
  const split = readModelSplit(folder);
  const source = (name: string) => {
    const ids = split.sources[name];
    if (!ids) throw new Error(`${path.join(folder, SPLIT_FILE)} lists no "${name}" source.`);
    return ids;
  };
  return { mr: source('chaos-mr-t2'), ctFiles: source('chaos-ct') };
}

/** CHAOS MR label value → organ (the CLIP's and the segmenters' class names). */
export const MR_ORGANS: Record<number, string> = {
  1: 'liver',
  2: 'right_kidney',
  3: 'left_kidney',
  4: 'spleen',
};

export interface HeldOutSlice {
  source: string;
  modality: 'CT' | 'MR';
  /** The whole series (shared by its slices), so the ROI can look at neighbouring slices. */
  volume: Volume;
  /** The slice of `volume` that is scored. */
  k: number;
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

/**
 * CHAOS MR subjects (every slice with an organ, all its organs; every `mrEvery`-th of them; or
 * with `mrPick: 'largest'`, per subject and organ, the slice where that organ is largest, with that
 * organ only) and CHAOS CT files (liver); by default those the bundled CLIP held out. Other
 * subjects and files (the calibration's training slices) load the same way.
 */
export async function loadHeldOut(
  root: string,
  options: { mrSubjects?: number[]; mrPick?: 'all' | 'largest'; mrEvery?: number; ctFiles?: number[] } = {},
): Promise<HeldOutSlice[]> {
  const out: HeldOutSlice[] = [];
  const bundledSplit = () => chaosSplit(BUNDLED_CLIP);
  for (const n of options.mrSubjects ?? bundledSplit().mr.heldOut) {
    const image = await readNifti(path.join(root, 'chaos-mr-t2', `image_${n}.nii.gz`));
    const labels = await readNifti(path.join(root, 'chaos-mr-t2', `label_${n}.nii.gz`));
    const [nx, ny, nz] = image.dimensions;
    const plane = nx * ny;
    // One pass over the labels (plain loops: per-voxel calls are slow in jest's sandbox).
    const values = Uint8Array.from(labels.data as ArrayLike<number>);
    const counts = Array.from({ length: nz }, () => [0, 0, 0, 0, 0]);
    for (let k = 0, v = 0; k < nz; k++) {
      const count = counts[k];
      for (let p = 0; p < plane; p++, v++) count[values[v] < 5 ? values[v] : 0]++;
    }
    const total = (k: number) => counts[k][1] + counts[k][2] + counts[k][3] + counts[k][4];
    const organsOf = (k: number, only?: number) => {
      const organs: Record<string, Uint8Array> = {};
      for (const [value, organ] of Object.entries(MR_ORGANS)) {
        const label = Number(value);
        if (counts[k][label] === 0 || (only !== undefined && label !== only)) continue;
        const mask = new Uint8Array(plane);
        for (let p = 0, v = k * plane; p < plane; p++, v++) mask[p] = values[v] === label ? 1 : 0;
        organs[organ] = mask;
      }
      return organs;
    };
    const withOrgans = Array.from({ length: nz }, (_, k) => k).filter((k) => total(k) > 0);
    if (options.mrPick === 'largest') {
      // Per organ, the slice where it is largest (its middle), scored for that organ only.
      for (const label of [1, 2, 3, 4]) {
        const k = withOrgans.reduce((best, k) => (counts[k][label] > counts[best][label] ? k : best));
        out.push({
          source: `chaos-mr-${n}:${k}`,
          modality: 'MR',
          volume: image,
          k,
          organs: organsOf(k, label),
        });
      }
    } else {
      for (const k of withOrgans.filter((_, index) => index % (options.mrEvery ?? 1) === 0)) {
        out.push({ source: `chaos-mr-${n}:${k}`, modality: 'MR', volume: image, k, organs: organsOf(k) });
      }
    }
  }
  // CHAOS CT: the series through the product's reader; each requested DICOM file is also read on its
  // own, to find its slice in the series; its PNG mask is paired by file index.
  const ctFiles = options.ctFiles ?? bundledSplit().ctFiles.heldOut;
  if (ctFiles.length === 0) return out;
  const dicomDir = path.join(root, 'chaos-ct', 'dicom');
  const names = fs
    .readdirSync(dicomDir)
    .filter((name) => name.endsWith('.dcm'))
    .sort();
  const series = await readDicomSeries(dicomDir);
  for (const file of ctFiles) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-ct-'));
    let slice: Volume;
    try {
      fs.copyFileSync(path.join(dicomDir, names[file]), path.join(tmp, names[file]));
      slice = await readDicomSeries(tmp);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const k = sliceIndexOf(series, slice);
    const name = `liver_GT_${String(file).padStart(3, '0')}.png`;
    // skipRescale: pngjs's 1-bit → 8-bit rescaling is very slow under jest; non-zero is all that matters.
    const png = PNG.sync.read(fs.readFileSync(path.join(root, 'chaos-ct', 'liver-gt', name)), {
      skipRescale: true,
    });
    if (png.width !== slice.dimensions[0] || png.height !== slice.dimensions[1]) {
      throw new Error(`${name} is ${png.width}×${png.height}, its DICOM slice ${slice.dimensions.join('×')}`);
    }
    const mask = new Uint8Array(png.width * png.height);
    for (let v = 0; v < mask.length; v++) {
      mask[v] = png.data[4 * v] || png.data[4 * v + 1] || png.data[4 * v + 2] ? 1 : 0;
    }
    if (!mask.some((v) => v)) continue;
    out.push({ source: `chaos-ct-file${file}`, modality: 'CT', volume: series, k, organs: { liver: mask } });
  }
  return out;
}

/** The slice of `series` whose voxels equal the one-slice volume `slice`. */
function sliceIndexOf(series: Volume, slice: Volume): number {
  const plane = slice.data.length;
  for (let k = 0; k < series.dimensions[2]; k++) {
    let v = 0;
    for (const offset = k * plane; v < plane && series.data[offset + v] === slice.data[v]; v++);
    if (v === plane) return k;
  }
  throw new Error('A CHAOS CT file is not a slice of its series: the data folder is inconsistent.');
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
  const above = new Uint8Array(values.length);
  for (let v = 0; v < values.length; v++) above[v] = values[v] > threshold ? 1 : 0;
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
  const filled = new Uint8Array(outside.length);
  for (let v = 0; v < outside.length; v++) filled[v] = outside[v] ? 0 : 1;
  return filled;
}

/** ROI margin in voxels on one slice: `marginMm` in-plane (the CLI's rule), none across slices. */
export function sliceMargin(slice: Volume, marginMm: number): Vec3 {
  if (marginMm <= 0) return [0, 0, 0];
  const margin = mmToVoxels(marginMm, slice.spacing, slice.dimensions);
  return [margin[0], margin[1], 0];
}

/**
 * The ROI of every organ present on `item`, each against all other prompt classes (as the CLI does),
 * with the manifest's settings for the organ (`clipRoiSettings`) unless `settings` overrides them,
 * in `shape` (default: the product's).
 */
export async function localise(
  clip: SimilarityModel & { classes: string[] },
  entry: ClipEntry,
  item: HeldOutSlice,
  marginsMm: number[],
  settings?: ClipRoiSettings,
  shape: RoiShape = DEFAULT_ROI_SHAPE,
): Promise<SliceResult[][]> {
  const slice = sliceOf(item.volume, item.k);
  const body = bodyMask(slice, item.modality);
  let bodyVoxels = 0;
  for (let v = 0; v < body.length; v++) bodyVoxels += body[v];
  const [nx, ny] = slice.dimensions;
  const results: SliceResult[][] = marginsMm.map(() => []);
  for (const [organ, gt] of Object.entries(item.organs)) {
    const others = clip.classes.filter((name) => name !== organ);
    const { logitScale, contextMm } = { ...clipRoiSettings(entry, organ), ...settings };
    let gtVoxels = 0;
    for (let v = 0; v < gt.length; v++) gtVoxels += gt[v];
    const gtBox = boundingBoxOf(gt, [nx, ny, 1])!;
    const oracleArea = ((gtBox.max[0] - gtBox.min[0]) * (gtBox.max[1] - gtBox.min[1])) / bodyVoxels;
    for (const [m, marginMm] of marginsMm.entries()) {
      // The similarity maps are memoised by the caller, so each margin only re-runs the ROI step.
      const roi = await clipRoi(
        item.volume,
        clip,
        { target: organ, others },
        {
          slices: [item.k],
          margin: sliceMargin(slice, marginMm),
          logitScale,
          contextSlices: contextSlices(contextMm, item.volume.spacing[2]),
          shape,
        },
      );
      const box = roi.sliceBoxes?.[item.k] ?? roi.box;
      const planeBox: Box = { min: [box.min[0], box.min[1], 0], max: [box.max[0], box.max[1], 1] };
      const region = roi.mask?.subarray(item.k * nx * ny, (item.k + 1) * nx * ny);
      let inside = 0;
      let voxels = 0;
      forEachRoiVoxel(planeBox, region, [nx, ny, 1], (v) => {
        inside += gt[v];
        voxels++;
      });
      results[m].push({
        source: item.source,
        modality: item.modality,
        organ,
        coverage: inside / gtVoxels,
        area: voxels / bodyVoxels,
        oracleArea,
        box,
        fallbackReason: roi.fallbackReason,
      });
    }
  }
  return results;
}

/**
 * A similarity model that computes each (slice, prompts) map once: the localisation of one slice
 * looks at its neighbours, and the calibration tries many settings on the same slices.
 */
export function memoised<T extends SimilarityModel>(model: T): T {
  const cache = new Map<string, Promise<{ classes: string[]; maps: Float32Array[] }>>();
  const ids = new WeakMap<ArrayBufferLike, number>();
  let next = 0;
  return Object.create(model, {
    similarity: {
      value(slice: Volume, prompts: PromptSet) {
        const buffer = slice.data.buffer;
        if (!ids.has(buffer)) ids.set(buffer, next++);
        const key = `${ids.get(buffer)}:${slice.data.byteOffset}:${prompts.target}|${prompts.others.join('|')}`;
        if (!cache.has(key)) cache.set(key, model.similarity(slice, prompts));
        return cache.get(key)!;
      },
    },
  });
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
