import type { InferenceSession } from 'onnxruntime-common';
import { Predictor, SegmentationModel } from '../engine/model/SegmentationModel';
import { resampleLinear } from '../engine/util/resample';
import { Vec3, Volume } from '../engine/volume/Volume';
import { voxelCount } from '../engine/volume/volumeUtils';
import { SegmenterEntry } from './manifest/ModelManifest';
import { OrtModule } from './ort/OrtModule';
import { runInBatches } from './ort/runInBatches';
import { tensorShape } from './ort/tensorShape';
import { intensityStatistics } from './preprocess/intensityStatistics';
import { writeChannels } from './preprocess/writeChannels';

// Hot loops use local copies: a global lookup per voxel is slow in sandboxed VMs (jest).
const { exp, floor, max } = Math;

/**
 * A manifest segmenter on an ONNX Runtime session. Binding to an image grid fixes the
 * network grid: the image is resampled to the fixed shape (or to the target spacing and then
 * padded to the required multiple), turned into channels, run, activated, cropped, and the
 * probabilities stay on the resampled grid; `toImageGrid` maps them back.
 */
export class OrtSegmentationModel implements SegmentationModel {
  readonly classNames: readonly string[];
  readonly dimensionality: 2 | 3;
  private readonly fixedBatch?: number;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
    private readonly entry: SegmenterEntry,
  ) {
    this.classNames = entry.classes;
    this.dimensionality = entry.layout === 'NCHW' ? 2 : 3;
    this.checkSignature();
    const batch = tensorShape(session.inputMetadata, entry.inputName)?.[0];
    this.fixedBatch = entry.fixedBatch ?? (typeof batch === 'number' && batch > 0 ? batch : undefined);
  }

  async bind(reference: Volume): Promise<Predictor> {
    const { entry } = this;
    const source = reference.dimensions;
    if (this.dimensionality === 2 && source[2] !== 1) {
      throw new Error(`This 2-D model takes one slice at a time; got an image with ${source[2]} slices.`);
    }
    const grid = this.networkGrid(reference);
    const padded = grid.map((n, a) =>
      entry.size.mode === 'dynamic' && (a < 2 || this.dimensionality === 3)
        ? Math.ceil(n / entry.size.multiple) * entry.size.multiple
        : n,
    ) as Vec3;
    const referenceData = Float32Array.from(reference.data);
    const statistics = intensityStatistics(referenceData, entry.channels);
    const gridSize = voxelCount(grid);
    const paddedSize = voxelCount(padded);
    const channels = entry.channels.length;
    const classes = entry.classes.length;
    const itemShape = [channels, ...(this.dimensionality === 3 ? [padded[2]] : []), padded[1], padded[0]];
    // Voxel v of the grid sits at this index of a padded channel plane.
    const place = (v: number) => {
      const i = v % grid[0];
      const j = floor(v / grid[0]) % grid[1];
      const k = floor(v / (grid[0] * grid[1]));
      return i + padded[0] * (j + padded[1] * k);
    };
    const placement = paddedSize === gridSize ? undefined : place;

    return {
      classNames: this.classNames,
      outputSize: gridSize,
      predict: async (images, count) => {
        const imageSize = voxelCount(source);
        const input = new Float32Array(count * channels * paddedSize);
        for (let n = 0; n < count; n++) {
          const image = images.subarray(n * imageSize, (n + 1) * imageSize);
          const resampled =
            gridSize === imageSize && sameGrid(source, grid) ? image : resampleLinear(image, source, grid);
          const item = input.subarray(n * channels * paddedSize, (n + 1) * channels * paddedSize);
          writeChannels(resampled, entry.channels, statistics, item, paddedSize, placement);
        }
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
        return activateAndCrop(output, count, classes, paddedSize, gridSize, entry.activation, placement);
      },
      toImageGrid: (probabilities) => {
        if (sameGrid(grid, source)) return probabilities;
        const out = new Float32Array(classes * voxelCount(source));
        for (let c = 0; c < classes; c++) {
          resampleLinear(
            probabilities.subarray(c * gridSize, (c + 1) * gridSize),
            grid,
            source,
            out.subarray(c * voxelCount(source), (c + 1) * voxelCount(source)),
          );
        }
        return out;
      },
    };
  }

  /** The grid the image is resampled to before padding, in (i, j, k) order. */
  private networkGrid(reference: Volume): Vec3 {
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
    if (!session.inputNames.includes(entry.inputName)) {
      throw new Error(
        `The segmenter ${entry.file} has no input "${entry.inputName}"; its inputs are: ${session.inputNames.join(', ')}. Fix segmenter.inputName in the manifest.`,
      );
    }
    if (!session.outputNames.includes(entry.outputName)) {
      throw new Error(
        `The segmenter ${entry.file} has no output "${entry.outputName}"; its outputs are: ${session.outputNames.join(', ')}. Fix segmenter.outputName in the manifest.`,
      );
    }
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
  const out = new Float32Array(count * classes * gridSize);
  for (let n = 0; n < count; n++) {
    const inBase = n * classes * paddedSize;
    const outBase = n * classes * gridSize;
    for (let v = 0; v < gridSize; v++) {
      const p = placement ? placement(v) : v;
      if (activation === 'softmax') {
        let top = -Infinity;
        for (let c = 0; c < classes; c++) top = max(top, logits[inBase + c * paddedSize + p]);
        let sum = 0;
        for (let c = 0; c < classes; c++) {
          const e = exp(logits[inBase + c * paddedSize + p] - top);
          out[outBase + c * gridSize + v] = e;
          sum += e;
        }
        for (let c = 0; c < classes; c++) out[outBase + c * gridSize + v] /= sum;
      } else {
        for (let c = 0; c < classes; c++) {
          const x = logits[inBase + c * paddedSize + p];
          out[outBase + c * gridSize + v] = activation === 'sigmoid' ? 1 / (1 + exp(-x)) : x;
        }
      }
    }
  }
  return out;
}
