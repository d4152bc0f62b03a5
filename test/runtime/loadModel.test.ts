import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { ManifestError } from '../../extension/src/runtime/manifest/parseManifest';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture } from '../helpers/plantedImage';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are edited as plain JSON here */

let folder: string;

beforeAll(async () => {
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'xai-clip-load-'));
});

afterAll(async () => {
  await fs.rm(folder, { recursive: true, force: true });
});

/** The planted2d manifest with its files made absolute (so it can live in a temp folder), edited. */
async function writeManifest(name: string, edit: (manifest: any) => void = () => {}): Promise<string> {
  const manifest = JSON.parse(await fs.readFile(fixture('planted2d.manifest.json'), 'utf8'));
  manifest.segmenter.file = fixture(manifest.segmenter.file);
  manifest.clip.imageEncoder.file = fixture(manifest.clip.imageEncoder.file);
  manifest.clip.textEncoder.file = fixture(manifest.clip.textEncoder.file);
  manifest.clip.textEncoder.vocabulary = fixture(manifest.clip.textEncoder.vocabulary);
  edit(manifest);
  const file = path.join(folder, name);
  await fs.writeFile(file, JSON.stringify(manifest));
  return file;
}

/** Segmenter only: drops the CLIP part, which these cases do not need. */
const segmenterOnly = (edit: (manifest: any) => void) => (manifest: any) => {
  delete manifest.clip;
  edit(manifest);
};

describe('loadModelFile', () => {
  it('loads the planted manifest from a temp folder with absolute file paths', async () => {
    const loaded = await loadModelFile(await writeManifest('ok.manifest.json'));
    expect(loaded.backend).toBe('cpu');
    expect(loaded.fallbackReason).toBeUndefined();
    expect(loaded.segmenter.classNames).toEqual(['background', 'organ']);
    expect(loaded.clip?.classes).toEqual(['background', 'organ']);
  });

  it('says which manifest file is missing', async () => {
    const missing = path.join(folder, 'nope.manifest.json');
    await expect(loadModelFile(missing)).rejects.toThrow(`Model manifest not found: ${missing}`);
    await expect(loadModelFile(missing)).rejects.toThrow('--model');
  });

  it('says when the manifest is not JSON', async () => {
    const file = path.join(folder, 'broken.manifest.json');
    await fs.writeFile(file, '{ "name": "broken", ');
    await expect(loadModelFile(file)).rejects.toThrow(`Model manifest ${file} is not valid JSON`);
  });

  it('reports schema problems as a ManifestError naming the manifest', async () => {
    const file = await writeManifest('invalid.manifest.json', (m) => (m.segmenter.layout = 'NHWC'));
    const error = await loadModelFile(file).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toContain(`Model manifest ${file} is invalid`);
    expect((error as Error).message).toContain('/segmenter/layout');
  });

  it('names a missing .onnx file and its role', async () => {
    const file = await writeManifest(
      'missing-onnx.manifest.json',
      (m) => (m.segmenter.file = 'no-such-model.onnx'),
    );
    await expect(loadModelFile(file)).rejects.toThrow(
      'Cannot read the segmenter file "no-such-model.onnx" named in the manifest',
    );
  });

  it('names a missing vocabulary file', async () => {
    const file = await writeManifest(
      'missing-vocab.manifest.json',
      (m) => (m.clip.textEncoder.vocabulary = 'v.json'),
    );
    await expect(loadModelFile(file)).rejects.toThrow(
      'Cannot read the vocabulary file "v.json" named in the manifest',
    );
  });

  it.each([
    ['absolute', () => fixture('truncated.onnx')],
    ['relative', () => path.relative(folder, fixture('truncated.onnx'))],
  ])(
    'says a truncated model (%s path) could not be loaded and to check the file is complete',
    async (_, file) => {
      const manifestFile = await writeManifest(
        `truncated-${_}.manifest.json`,
        segmenterOnly((m) => (m.segmenter.file = file())),
      );
      const error = (await loadModelFile(manifestFile).catch((e: Error) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(`Could not load the segmenter ${file()} (200 bytes)`);
      expect(error.message).toContain('Check that the file is a complete ONNX model');
    },
  );

  it('lists the model inputs when inputName is wrong', async () => {
    const file = await writeManifest(
      'input-name.manifest.json',
      segmenterOnly((m) => (m.segmenter.inputName = 'input')),
    );
    await expect(loadModelFile(file)).rejects.toThrow(
      /has no input "input"; its inputs are: image\. Fix segmenter\.inputName/,
    );
  });

  it('lists the model outputs when outputName is wrong', async () => {
    const file = await writeManifest(
      'output-name.manifest.json',
      segmenterOnly((m) => (m.segmenter.outputName = 'probs')),
    );
    await expect(loadModelFile(file)).rejects.toThrow(/has no output "probs"; its outputs are: logits/);
  });

  it('rejects a 3-D layout for a 2-D network (rank)', async () => {
    const file = await writeManifest(
      'rank.manifest.json',
      segmenterOnly((m) => {
        m.segmenter.layout = 'NCDHW';
        m.segmenter.size.shape = [1, 64, 64];
      }),
    );
    await expect(loadModelFile(file)).rejects.toThrow(
      'The segmenter input "image" has rank 4 ([batch, 1, 64, 64]) but layout NCDHW needs rank 5.',
    );
  });

  it('rejects a channel count the network does not take', async () => {
    const file = await writeManifest(
      'channels.manifest.json',
      segmenterOnly((m) => (m.segmenter.channels = [{ kind: 'raw' }, { kind: 'zscore' }])),
    );
    await expect(loadModelFile(file)).rejects.toThrow(
      'The segmenter takes 1 input channels but the manifest lists 2 channel transforms.',
    );
  });

  it('rejects a fixed size the network does not take', async () => {
    const file = await writeManifest(
      'size.manifest.json',
      segmenterOnly((m) => (m.segmenter.size.shape = [32, 32])),
    );
    await expect(loadModelFile(file)).rejects.toThrow(
      "The segmenter input is [batch, 1, 64, 64] but the manifest's fixed size is [32, 32].",
    );
  });

  it('rejects more classes than output channels at the first prediction, naming the classes', async () => {
    const file = await writeManifest(
      'classes.manifest.json',
      segmenterOnly((m) => (m.segmenter.classes = ['background', 'organ', 'spleen'])),
    );
    const loaded = await loadModelFile(file);
    const image = createVolume(new Float32Array(64 * 64).fill(1), [64, 64, 1]);
    const predictor = await loaded.segmenter.bind(image);
    await expect(predictor.predict(image.data, 1)).rejects.toThrow(
      'The model output has shape [2, 64, 64] per item, but the manifest expects 3 classes (background, organ, spleen) on a 64×64 grid.',
    );
  });

  it('rejects a CLIP embedding size that the encoders do not produce', async () => {
    const file = await writeManifest('embedding.manifest.json', (m) => (m.clip.embeddingSize = 8));
    await expect(loadModelFile(file)).rejects.toThrow(
      'The text encoder returns 4 values per prompt but clip.embeddingSize is 8.',
    );
  });

  it('rejects precomputed prompt embeddings of the wrong size', async () => {
    const embeddings = path.join(folder, 'embeddings.json');
    await fs.writeFile(embeddings, JSON.stringify({ background: [0, 1, 0, 0], organ: [1, 0, 0] }));
    const file = await writeManifest('precomputed.manifest.json', (m) => {
      delete m.clip.textEncoder;
      m.clip.promptEmbeddings = 'embeddings.json';
    });
    await expect(loadModelFile(file)).rejects.toThrow(
      'The precomputed embedding of "organ" has 3 values but clip.embeddingSize is 4.',
    );
  });

  it.each<[string, (m: any) => void, string]>([
    [
      'clip.imageEncoder.inputName',
      (m) => (m.clip.imageEncoder.inputName = 'pixels'),
      `The CLIP image encoder ${fixture('clip_image_planted.onnx')} has no input "pixels"; its inputs are: image. Fix clip.imageEncoder.inputName in the manifest.`,
    ],
    [
      'clip.imageEncoder.patchOutput',
      (m) => (m.clip.imageEncoder.patchOutput = 'tokens'),
      `The CLIP image encoder ${fixture('clip_image_planted.onnx')} has no output "tokens"; its outputs are: image_embeds, patch_embeds. Fix clip.imageEncoder.patchOutput in the manifest.`,
    ],
    [
      'clip.textEncoder.inputName',
      (m) => (m.clip.textEncoder.inputName = 'text'),
      `The CLIP text encoder ${fixture('clip_text_planted.onnx')} has no input "text"; its inputs are: input_ids. Fix clip.textEncoder.inputName in the manifest.`,
    ],
    [
      'clip.textEncoder.outputName',
      (m) => (m.clip.textEncoder.outputName = 'embeds'),
      `The CLIP text encoder ${fixture('clip_text_planted.onnx')} has no output "embeds"; its outputs are: text_embeds. Fix clip.textEncoder.outputName in the manifest.`,
    ],
  ])(
    'names the file, the real names and the field when %s is wrong, at load time',
    async (field, edit, message) => {
      const file = await writeManifest(`${field}.manifest.json`, edit);
      await expect(loadModelFile(file)).rejects.toThrow(message);
    },
  );

  it('rejects CLIP patch dims other than [batch, rows·columns, embeddingSize], even with as many values', async () => {
    // The planted encoder gives [1, 64, 4]: as many values as a 16×16 grid of 1-value embeddings.
    const embeddings = path.join(folder, 'embeddings-1.json');
    await fs.writeFile(embeddings, JSON.stringify({ background: [1], organ: [1] }));
    const file = await writeManifest('patch-dims.manifest.json', (m) => {
      delete m.clip.textEncoder;
      m.clip.promptEmbeddings = 'embeddings-1.json';
      m.clip.imageEncoder.grid = [16, 16];
      m.clip.embeddingSize = 1;
    });
    const loaded = await loadModelFile(file);
    const slice = createVolume(new Float32Array(64 * 64).fill(1), [64, 64, 1]);
    await expect(loaded.clip!.similarity(slice, { target: 'organ', others: ['background'] })).rejects.toThrow(
      `The CLIP image encoder ${fixture('clip_image_planted.onnx')} gives "patch_embeds" dims [1, 64, 4], but clip.imageEncoder.patchOutput must be [batch, rows·columns, embeddingSize] = [1, 256, 1] (clip.imageEncoder.grid [16, 16], clip.embeddingSize 1). Fix grid or embeddingSize, or transpose a [batch, E, rows, columns] output in the export wrapper (x.flatten(2).transpose(1, 2)).`,
    );
  });

  it('rejects an image with several slices for a 2-D model', async () => {
    const loaded = await loadModelFile(fixture('independent2d.manifest.json'));
    const volume = createVolume(new Float32Array(64 * 64 * 2), [64, 64, 2]);
    await expect(loaded.segmenter.bind(volume)).rejects.toThrow(
      'This 2-D model takes one slice at a time; got an image with 2 slices.',
    );
  });
});
