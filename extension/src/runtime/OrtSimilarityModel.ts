import type { InferenceSession } from 'onnxruntime-common';
import { PromptSet, SimilarityModel } from '../engine/model/SegmentationModel';
import { resampleLinear } from '../engine/util/resample';
import { voxelReorder } from '../engine/volume/reorient';
import { Vec3, Volume } from '../engine/volume/Volume';
import { findPromptClass } from './clip/findPromptClass';
import { listPrompts } from './clip/listPrompts';
import { normalize } from './clip/normalize';
import { tokenize, UnreadablePromptError } from './clip/tokenize';
import { ClipEntry } from './manifest/ModelManifest';
import { OrtModule } from './ort/OrtModule';
import { requireTensorNames } from './ort/requireTensorNames';
import { runInBatches } from './ort/runInBatches';
import { intensityStatistics } from './preprocess/intensityStatistics';
import { writeChannels } from './preprocess/writeChannels';

/**
 * A CLIP-style localiser on ONNX Runtime: the image encoder's patch embeddings against class
 * text embeddings (precomputed, e.g. CoOp-learned, or from the text encoder by averaging the
 * class's synonym prompts) give one cosine-similarity map per class. Free-text prompts need the
 * text encoder.
 */
export class OrtSimilarityModel implements SimilarityModel {
  private readonly classEmbeddings = new Map<string, Float32Array>();
  readonly notes: string[] = [];

  private constructor(
    private readonly ort: OrtModule,
    private readonly imageSession: InferenceSession,
    private readonly entry: ClipEntry,
    private readonly text?: { session: InferenceSession; vocabulary: Record<string, number> },
  ) {
    const { imageEncoder, textEncoder } = entry;
    requireTensorNames(imageSession, `The CLIP image encoder ${imageEncoder.file}`, [
      { kind: 'input', name: imageEncoder.inputName, field: 'clip.imageEncoder.inputName' },
      { kind: 'output', name: imageEncoder.patchOutput, field: 'clip.imageEncoder.patchOutput' },
    ]);
    if (text && textEncoder) {
      requireTensorNames(text.session, `The CLIP text encoder ${textEncoder.file}`, [
        { kind: 'input', name: textEncoder.inputName, field: 'clip.textEncoder.inputName' },
        { kind: 'output', name: textEncoder.outputName, field: 'clip.textEncoder.outputName' },
      ]);
    }
  }

  /** Releases the image and text encoder sessions; the model cannot run afterwards. */
  async dispose(): Promise<void> {
    await Promise.all([this.imageSession.release(), this.text?.session.release()]);
  }

  static async create(
    ort: OrtModule,
    entry: ClipEntry,
    imageSession: InferenceSession,
    text?: { session: InferenceSession; vocabulary: Record<string, number> },
    precomputed?: Record<string, number[]>,
  ): Promise<OrtSimilarityModel> {
    const model = new OrtSimilarityModel(ort, imageSession, entry, text);
    for (const [name, prompts] of Object.entries(entry.prompts)) {
      const embedding = precomputed?.[name];
      if (embedding) {
        if (embedding.length !== entry.embeddingSize) {
          throw new Error(
            `The precomputed embedding of "${name}" has ${embedding.length} values but clip.embeddingSize is ${entry.embeddingSize}.`,
          );
        }
        model.classEmbeddings.set(name, normalize(embedding));
      } else if (text) {
        model.classEmbeddings.set(name, await model.embedPrompts(prompts));
      } else {
        throw new Error(
          `There is no precomputed embedding for the class "${name}" and no text encoder to compute it.`,
        );
      }
    }
    return model;
  }

  get classes(): string[] {
    return [...this.classEmbeddings.keys()];
  }

  async similarity(slice: Volume, prompts: PromptSet): Promise<{ classes: string[]; maps: Float32Array[] }> {
    const classes = [prompts.target, ...prompts.others];
    const embeddings = await Promise.all(classes.map((name) => this.embeddingOf(name)));
    // The encoder sees the slice in the orientation and axis order it was trained in; the maps go back to the slice's order.
    const { orientation, arrayConvention } = this.entry.imageEncoder;
    const reorder = voxelReorder(slice, orientation, true, arrayConvention);
    const [nx, ny] = reorder?.dimensions ?? slice.dimensions;
    const oriented = reorder ? new Float32Array(nx * ny) : Float32Array.from(slice.data);
    reorder?.gather(slice.data, oriented);
    const patches = await this.patchEmbeddings(oriented, [nx, ny, 1]);
    const [rows, columns] = this.entry.imageEncoder.grid;
    const size = this.entry.embeddingSize;
    const maps = embeddings.map((text) => {
      const grid = new Float32Array(rows * columns);
      for (let n = 0; n < grid.length; n++) {
        let dot = 0;
        for (let e = 0; e < size; e++) dot += patches[n * size + e] * text[e];
        grid[n] = dot;
      }
      const map = resampleLinear(grid, [columns, rows, 1], [nx, ny, 1]);
      if (!reorder) return map;
      const inSliceOrder = new Float32Array(map.length);
      reorder.scatter(map, inSliceOrder);
      return inSliceOrder;
    });
    return { classes, maps };
  }

  /**
   * The class's embedding for a class name or one of its synonyms (so prompt embeddings alone
   * suffice for them), else a free-text prompt's through the text encoder.
   */
  private async embeddingOf(name: string): Promise<Float32Array> {
    const promptClass = findPromptClass(this.entry.prompts, name);
    if (promptClass !== undefined) return this.classEmbeddings.get(promptClass)!;
    if (!this.text) {
      throw new Error(
        `"${name}" is neither a prompt class nor a synonym in clip.prompts (${listPrompts(this.entry.prompts)}). Free-text prompts need a text encoder (clip.textEncoder), which this model does not ship: use one of these names, or add a text encoder to the manifest.`,
      );
    }
    try {
      return await this.embedPrompts([name]);
    } catch (error) {
      if (!(error instanceof UnreadablePromptError)) throw error;
      // Free text the encoder cannot read: offer the names that need no encoder.
      throw new UnreadablePromptError(
        `${(error as Error).message} Or name an organ by a prompt class or synonym of clip.prompts (${listPrompts(this.entry.prompts)}).`,
      );
    }
  }

  private async embedPrompts(prompts: string[]): Promise<Float32Array> {
    const { session, vocabulary } = this.text!;
    const encoder = this.entry.textEncoder!;
    const ids = new BigInt64Array(prompts.length * encoder.contextLength);
    prompts.forEach((prompt, p) => {
      const tokens = tokenize(prompt, vocabulary, encoder);
      if (tokens.unknown.length)
        this.notes.push(`Prompt "${prompt}": unknown words ignored: ${tokens.unknown.join(', ')}.`);
      ids.set(tokens.ids, p * encoder.contextLength);
    });
    const result = await session.run({
      [encoder.inputName]: new this.ort.Tensor('int64', ids, [prompts.length, encoder.contextLength]),
    });
    const values = result[encoder.outputName].data as Float32Array;
    const size = this.entry.embeddingSize;
    if (values.length !== prompts.length * size) {
      throw new Error(
        `The text encoder returns ${values.length / prompts.length} values per prompt but clip.embeddingSize is ${size}.`,
      );
    }
    const mean = new Float32Array(size);
    for (let p = 0; p < prompts.length; p++) {
      const embedding = normalize(values.subarray(p * size, (p + 1) * size));
      for (let e = 0; e < size; e++) mean[e] += embedding[e];
    }
    return normalize(mean);
  }

  /** L2-normalised patch embeddings [rows·columns, E] of one slice. */
  private async patchEmbeddings(raw: Float32Array, dimensions: Vec3): Promise<Float32Array> {
    const encoder = this.entry.imageEncoder;
    const [height, width] = encoder.shape;
    const resampled = resampleLinear(raw, dimensions, [width, height, 1]);
    const statistics = intensityStatistics(resampled, encoder.channels);
    const input = new Float32Array(encoder.channels.length * width * height);
    writeChannels(resampled, encoder.channels, statistics, input, width * height);
    const { output, itemShape } = await runInBatches(
      this.ort,
      this.imageSession,
      { input: encoder.inputName, output: encoder.patchOutput },
      input,
      [encoder.channels.length, height, width],
      1,
    );
    const [rows, columns] = encoder.grid;
    const size = this.entry.embeddingSize;
    // Dims, not just the value count: [E, rows, columns] has as many values, in another order.
    if (itemShape.length !== 2 || itemShape[0] !== rows * columns || itemShape[1] !== size) {
      throw new Error(
        `The CLIP image encoder ${encoder.file} gives "${encoder.patchOutput}" dims [1, ${itemShape.join(', ')}], but clip.imageEncoder.patchOutput must be [batch, rows·columns, embeddingSize] = [1, ${rows * columns}, ${size}] (clip.imageEncoder.grid [${rows}, ${columns}], clip.embeddingSize ${size}). Fix grid or embeddingSize, or transpose a [batch, E, rows, columns] output in the export wrapper (x.flatten(2).transpose(1, 2)).`,
      );
    }
    const patches = new Float32Array(output.length);
    for (let n = 0; n < rows * columns; n++)
      patches.set(normalize(output.subarray(n * size, (n + 1) * size)), n * size);
    return patches;
  }
}
