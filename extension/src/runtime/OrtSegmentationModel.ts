import type { InferenceSession } from 'onnxruntime-common';
import { Predictor, SegmentationModel } from '../engine/model/SegmentationModel';
import { resampleLinear } from '../engine/util/resample';
import { resampleNearest } from '../engine/util/resampleNearest';
import { Vec3, Volume } from '../engine/volume/Volume';
import { networkAxisMapping, voxelReorder } from '../engine/volume/reorient';
import { voxelCount } from '../engine/volume/volumeUtils';
import { SegmenterEntry } from './manifest/ModelManifest';
import { estimateItemMemory, ItemMemory } from './memory/estimateItemMemory';
import { OrtModule } from './ort/OrtModule';
import { outputRegionOf } from './outputRegionOf';
import { requireTensorNames } from './ort/requireTensorNames';
import { runInBatches } from './ort/runInBatches';
import { softmaxOverClassesModel } from './ort/softmaxModel';
import { tensorShape } from './ort/tensorShape';
import { intensityStatistics } from './preprocess/intensityStatistics';
import { NetworkInput } from './preprocess/NetworkInput';

// Hot loops use local copies: a global lookup per voxel is slow in sandboxed VMs (jest).
const { exp, floor } = Math;

/**
 * A manifest segmenter on an ONNX Runtime session. Binding to an image grid fixes the
 * network grid: the image is resampled to the fixed shape (or to the target spacing and then
 * padded to the required multiple), turned into channels, run, activated, cropped, and the
 * probabilities stay on the resampled grid; `toImageGrid` maps them back.
 */
export class OrtSegmentationModel implements SegmentationModel {
  readonly classNames: readonly string[];
  readonly dimensionality: 2 | 3;
  /** The batch size the network was exported with, if fixed: every call runs that many items. */
  readonly fixedBatch?: number;
  private softmax?: Promise<InferenceSession | undefined>;

  /**
   * `activationProviders`: execution providers for a small ONNX session that applies the softmax
   * (`softmaxOverClassesModel`); without them, or when it cannot be created, the softmax runs in
   * JavaScript (same values within float32 rounding, several times slower).
   */
  constructor(
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
    private readonly entry: SegmenterEntry,
    private readonly activationProviders?: string[],
  ) {
    this.classNames = entry.classes;
    this.dimensionality = entry.layout === 'NCHW' ? 2 : 3;
    this.checkSignature();
    const batch = tensorShape(session.inputMetadata, entry.inputName)?.[0];
    this.fixedBatch = entry.fixedBatch ?? (typeof batch === 'number' && batch > 0 ? batch : undefined);
  }

  async bind(image: Volume): Promise<Predictor> {
    const { entry } = this;
    const source = image.dimensions;
    const { reorder, reference, network, grid, padded } = this.prepare(image);
    const imageSize = voxelCount(source);
    const oriented = reorder ? new Float32Array(imageSize) : undefined;
    const asTrained = (values: Float32Array): Float32Array => {
      if (!reorder) return values;
      reorder.gather(values, oriented!);
      return oriented!;
    };
    const gridSize = voxelCount(grid);
    const paddedSize = voxelCount(padded);
    const classes = entry.classes.length;
    const itemShape = [
      entry.channels.length,
      ...(this.dimensionality === 3 ? [padded[2]] : []),
      padded[1],
      padded[0],
    ];
    // Voxel v of the grid sits at this index of a padded channel plane.
    const place = (v: number) => {
      const i = v % grid[0];
      const j = floor(v / grid[0]) % grid[1];
      const k = floor(v / (grid[0] * grid[1]));
      return i + padded[0] * (j + padded[1] * k);
    };
    const placement = paddedSize === gridSize ? undefined : place;
    // The network input, kept between calls (fewer large allocations, less GC); a call that
    // overlaps another (its input still with ONNX Runtime) gets its own.
    let inputBuffer = new Float32Array(0);
    let busy = false;

    return {
      classNames: this.classNames,
      outputSize: gridSize,
      predict: async (images, count) => {
        const size = count * network.itemSize;
        const reuse = !busy;
        if (reuse && inputBuffer.length < size) inputBuffer = new Float32Array(size);
        const input = reuse ? inputBuffer.subarray(0, size) : new Float32Array(size);
        busy = true;
        try {
          for (let n = 0; n < count; n++) {
            network.write(
              asTrained(images.subarray(n * imageSize, (n + 1) * imageSize)),
              input.subarray(n * network.itemSize, (n + 1) * network.itemSize),
            );
          }
          return await this.runAndActivate(input, count, itemShape, gridSize, paddedSize, placement);
        } finally {
          if (reuse) busy = false;
        }
      },
      toImageGrid: (probabilities) => {
        const onGrid = sameGrid(grid, reference.dimensions);
        if (onGrid && !reorder) return probabilities;
        const out = new Float32Array(classes * imageSize);
        const plane = reorder ? new Float32Array(imageSize) : undefined;
        for (let c = 0; c < classes; c++) {
          const values = probabilities.subarray(c * gridSize, (c + 1) * gridSize);
          const target = out.subarray(c * imageSize, (c + 1) * imageSize);
          const resampled = onGrid
            ? values
            : resampleLinear(values, grid, reference.dimensions, plane ?? target);
          reorder?.scatter(resampled, target);
        }
        return out;
      },
      outputRegion: (imageBox) => outputRegionOf(imageBox, source, reorder, reference.dimensions, grid),
      outputMask: (imageMask) =>
        resampleNearest(
          asTrained(Float32Array.from(imageMask)),
          reference.dimensions,
          grid,
          new Uint8Array(gridSize),
        ),
      changesInput: (image) => network.changes(asTrained(image)),
    };
  }

  /**
   * The network input item of `image` (channels × padded grid), exactly as `bind(image)` feeds
   * it: what the viewer and the CLI are compared on.
   */
  networkInput(image: Volume): Float32Array {
    const { network, referenceData } = this.prepare(image);
    return network.wholeItem(referenceData);
  }

  /** Everything a bound image fixes: its orientation for the network, grids, frozen statistics. */
  private prepare(image: Volume) {
    const { entry } = this;
    const source = image.dimensions;
    if (this.dimensionality === 2 && source[2] !== 1) {
      throw new Error(`This 2-D model takes one slice at a time; got an image with ${source[2]} slices.`);
    }
    // The network sees the image in the orientation and axis order it was trained in; everything
    // else stays in source order (the reordered grid's axes 0, 1, 2 are the network's W, H, D).
    const reorder = voxelReorder(image, entry.orientation, this.dimensionality === 2, entry.arrayConvention);
    const reference: Volume = reorder
      ? { ...image, dimensions: reorder.dimensions, spacing: reorder.spacing }
      : image;
    const referenceData = reorder ? new Float32Array(voxelCount(source)) : Float32Array.from(image.data);
    reorder?.gather(image.data, referenceData);
    const grid = this.networkGrid(reference);
    const padded = this.paddedGrid(grid);
    const statistics = intensityStatistics(referenceData, entry.channels);
    const network = new NetworkInput(
      referenceData,
      reference.dimensions,
      grid,
      padded,
      entry.channels,
      statistics,
    );
    return { reorder, reference, referenceData, network, grid, padded };
  }

  /**
   * Memory per batch item when bound to an image of this geometry (a slice for 2-D models), from
   * the network's input and output sizes on its padded grid (exactly what a run allocates) and the
   * activations: the manifest's activationBytesPerVoxel or the default estimate (see
   * estimateItemMemory). Cheap: no voxel is read.
   */
  itemMemory(image: Pick<Volume, 'dimensions' | 'spacing' | 'direction'>): ItemMemory {
    const { entry } = this;
    // The grid the network sees, as `prepare` orients it, without building the voxel index.
    const { dimensions, spacing } = networkAxisMapping(
      image,
      entry.orientation,
      this.dimensionality === 2,
      entry.arrayConvention,
    );
    const grid = this.networkGrid({ ...image, dimensions, spacing });
    return estimateItemMemory({
      channels: entry.channels.length,
      classes: entry.classes.length,
      voxels: voxelCount(this.paddedGrid(grid)),
      activationBytesPerVoxel: entry.activationBytesPerVoxel,
    });
  }

  /** The network grid padded to the dynamic size's multiple (in-plane; also across slices in 3-D). */
  private paddedGrid(grid: Vec3): Vec3 {
    const { size } = this.entry;
    return grid.map((n, a) =>
      size.mode === 'dynamic' && (a < 2 || this.dimensionality === 3)
        ? Math.ceil(n / size.multiple) * size.multiple
        : n,
    ) as Vec3;
  }

  /** Runs the network on prepared inputs and returns activated, cropped probabilities. */
  private async runAndActivate(
    input: Float32Array,
    count: number,
    itemShape: number[],
    gridSize: number,
    paddedSize: number,
    placement?: (voxel: number) => number,
  ): Promise<Float32Array> {
    const { entry } = this;
    const classes = entry.classes.length;
    const { output, itemShape: outShape } = await runInBatches(
      this.ort,
      this.session,
      { input: entry.inputName, output: entry.outputName },
      input,
      itemShape,
      count,
      this.fixedBatch,
    );
    if (outShape[0] !== classes || outShape.slice(1).reduce((a, b) => a * b, 1) !== paddedSize) {
      throw new Error(
        `The model output has shape [${outShape.join(', ')}] per item, but the manifest expects ` +
          `${classes} classes (${entry.classes.join(', ')}) on a ${[...itemShape.slice(1)].join('×')} grid.`,
      );
    }
    const softmax =
      entry.activation === 'softmax' ? await this.softmaxSession(1 + outShape.length) : undefined;
    if (softmax) {
      try {
        const result = await softmax.run({
          logits: new this.ort.Tensor('float32', output, [count, ...outShape]),
        });
        const probabilities = result.probabilities.data as Float32Array;
        return placement
          ? crop(probabilities, count, classes, paddedSize, gridSize, placement)
          : probabilities;
      } catch {
        this.softmax = Promise.resolve(undefined); // this runtime cannot run it: JavaScript from now on
      }
    }
    return activateAndCrop(output, count, classes, paddedSize, gridSize, entry.activation, placement);
  }

  /** Releases the network's session and the softmax session; the model cannot run afterwards. */
  async dispose(): Promise<void> {
    const softmax = await this.softmax;
    this.softmax = Promise.resolve(undefined);
    await Promise.all([this.session.release(), softmax?.release()]);
  }

  /** The softmax session for outputs of `rank` dimensions, created once; undefined if unavailable. */
  private softmaxSession(rank: number): Promise<InferenceSession | undefined> {
    if (!this.activationProviders) return Promise.resolve(undefined);
    this.softmax ??= this.ort.InferenceSession.create(softmaxOverClassesModel(rank), {
      executionProviders: this.activationProviders,
      graphOptimizationLevel: 'all',
    }).catch(() => undefined);
    return this.softmax;
  }

  /** The grid the image is resampled to before padding, in (i, j, k) order. */
  private networkGrid(reference: Pick<Volume, 'dimensions' | 'spacing'>): Vec3 {
    const { size, targetSpacingMm } = this.entry;
    const source = reference.dimensions;
    if (size.mode === 'fixed') {
      const [w, h] = [size.shape[size.shape.length - 1], size.shape[size.shape.length - 2]];
      return [w, h, this.dimensionality === 3 ? size.shape[0] : 1];
    }
    if (!targetSpacingMm) return [...source] as Vec3;
    return source.map((n, a) =>
      a < targetSpacingMm.length
        ? Math.max(1, Math.round((n * reference.spacing[a]) / targetSpacingMm[a]))
        : n,
    ) as Vec3;
  }

  /** Fails early, naming what the manifest and the model disagree on. */
  private checkSignature(): void {
    const { session, entry } = this;
    requireTensorNames(session, `The segmenter ${entry.file}`, [
      { kind: 'input', name: entry.inputName, field: 'segmenter.inputName' },
      { kind: 'output', name: entry.outputName, field: 'segmenter.outputName' },
    ]);
    const shape = tensorShape(session.inputMetadata, entry.inputName);
    const rank = entry.layout === 'NCHW' ? 4 : 5;
    if (shape && shape.length !== rank) {
      throw new Error(
        `The segmenter input "${entry.inputName}" has rank ${shape.length} ([${shape.join(', ')}]) but layout ${entry.layout} needs rank ${rank}.`,
      );
    }
    if (shape && typeof shape[1] === 'number' && shape[1] !== entry.channels.length) {
      throw new Error(
        `The segmenter takes ${shape[1]} input channels but the manifest lists ${entry.channels.length} channel transforms.`,
      );
    }
    if (shape && entry.size.mode === 'fixed') {
      const spatial = shape.slice(2);
      entry.size.shape.forEach((n, a) => {
        if (typeof spatial[a] === 'number' && spatial[a] !== n) {
          throw new Error(
            `The segmenter input is [${shape.join(', ')}] but the manifest's fixed size is [${entry.size.mode === 'fixed' ? entry.size.shape.join(', ') : ''}].`,
          );
        }
      });
    }
  }
}

function sameGrid(a: Vec3, b: Vec3): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Drops the padding of activated outputs: `[count, classes, paddedSize]` → `[count, classes, gridSize]`. */
function crop(
  values: Float32Array,
  count: number,
  classes: number,
  paddedSize: number,
  gridSize: number,
  placement: (voxel: number) => number,
): Float32Array {
  const out = new Float32Array(count * classes * gridSize);
  const at = Int32Array.from({ length: gridSize }, (_, v) => placement(v));
  for (let plane = 0; plane < count * classes; plane++) {
    const from = plane * paddedSize;
    const to = plane * gridSize;
    for (let v = 0; v < gridSize; v++) out[to + v] = values[from + at[v]];
  }
  return out;
}

/** Applies the output activation per voxel over classes and drops the padding. */
function activateAndCrop(
  logits: Float32Array,
  count: number,
  classes: number,
  paddedSize: number,
  gridSize: number,
  activation: SegmenterEntry['activation'],
  placement?: (voxel: number) => number,
): Float32Array {
  // Probabilities straight from the graph (its last node a softmax): nothing to do per voxel.
  if (activation === 'none' && !placement) return logits;
  const out = new Float32Array(count * classes * gridSize);
  const at = placement ? Int32Array.from({ length: gridSize }, (_, v) => placement(v)) : undefined;
  for (let n = 0; n < count; n++) {
    const inBase = n * classes * paddedSize;
    const outBase = n * classes * gridSize;
    if (activation === 'softmax') {
      for (let v = 0; v < gridSize; v++) {
        const p = inBase + (at ? at[v] : v);
        let best = 0;
        let top = logits[p];
        for (let c = 1; c < classes; c++) {
          const x = logits[p + c * paddedSize];
          if (x > top) {
            top = x;
            best = c;
          }
        }
        // The top class contributes exp(0) = 1; the others exp(x − top) ≤ 1.
        let sum = 1;
        for (let c = 0; c < classes; c++) {
          if (c === best) continue;
          const e = expNonPositive(logits[p + c * paddedSize] - top);
          out[outBase + c * gridSize + v] = e;
          sum += e;
        }
        out[outBase + best * gridSize + v] = 1;
        const scale = 1 / sum;
        for (let c = 0; c < classes; c++) out[outBase + c * gridSize + v] *= scale;
      }
    } else {
      for (let v = 0; v < gridSize; v++) {
        const p = inBase + (at ? at[v] : v);
        for (let c = 0; c < classes; c++) {
          const x = logits[p + c * paddedSize];
          out[outBase + c * gridSize + v] = activation === 'sigmoid' ? 1 / (1 + exp(-x)) : x;
        }
      }
    }
  }
  return out;
}

// exp(x) for x ≤ 0 as 2^k · e^r, |r| ≤ ln2/2, e^r by its degree-7 Taylor polynomial (relative
// error < 1e-8, below float32's resolution). About three times faster than Math.exp in V8, which
// matters: the softmax is the largest part of the runtime's work per forward pass.
const LOG2E = Math.LOG2E;
const LN2_HIGH = 0.6931471803691238; // ln 2 split so that k · LN2_HIGH is exact
const LN2_LOW = 1.9082149292705877e-10;
const POWERS_OF_HALF = Float64Array.from({ length: 1076 }, (_, k) => 2 ** -k);

function expNonPositive(x: number): number {
  if (!(x > -700)) return Number.isNaN(x) ? x : 0; // NaN stays NaN; far below float32 range is 0
  const k = floor(x * LOG2E + 0.5);
  const r = x - k * LN2_HIGH - k * LN2_LOW;
  const poly =
    1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040)))))));
  return poly * POWERS_OF_HALF[-k];
}
