import * as fs from 'fs';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { clipRoi } from '../../extension/src/engine/roi/clipRoi';
import { Box } from '../../extension/src/engine/volume/Box';
import { PromptSet } from '../../extension/src/engine/model/SegmentationModel';
import { Vec3, Volume } from '../../extension/src/engine/volume/Volume';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { tokenize } from '../../extension/src/runtime/clip/tokenize';
import { loadModel, LoadedModel } from '../../extension/src/runtime/loadModel';
import { ClipEntry } from '../../extension/src/runtime/manifest/ModelManifest';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';
import { OrtSimilarityModel } from '../../extension/src/runtime/OrtSimilarityModel';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { fixture, PLANTED_S, plantedMask, plantedSlice } from '../helpers/plantedImage';

const vocabulary = JSON.parse(fs.readFileSync(fixture('clip_text_planted.vocab.json'), 'utf8')) as Record<
  string,
  number
>;
const encoder: NonNullable<ClipEntry['textEncoder']> = {
  file: 'clip_text_planted.onnx',
  inputName: 'input_ids',
  outputName: 'text_embeds',
  vocabulary: 'clip_text_planted.vocab.json',
  contextLength: 8,
  startToken: '<sot>',
  endToken: '<eot>',
  padToken: '<pad>',
};
const ids = (text: string, entry = encoder) => Array.from(tokenize(text, vocabulary, entry).ids, Number);

describe('tokenize', () => {
  it('wraps known words in the start and end tokens and pads to the context length', () => {
    // <sot> = 1, <eot> = 2, <pad> = 0, hepatic = 4, parenchyma = 5.
    const { ids: tokens, unknown } = tokenize('Hepatic parenchyma', vocabulary, encoder);
    expect(tokens).toBeInstanceOf(BigInt64Array);
    expect(Array.from(tokens, Number)).toEqual([1, 4, 5, 2, 0, 0, 0, 0]);
    expect(unknown).toEqual([]);
  });

  it('drops and reports unknown words, case-insensitively and ignoring punctuation', () => {
    const { ids: tokens, unknown } = tokenize('The LIVER, please!', vocabulary, encoder);
    expect(Array.from(tokens, Number)).toEqual([1, 3, 2, 0, 0, 0, 0, 0]);
    expect(unknown).toEqual(['the', 'please']);
  });

  it('truncates to the context length and still ends with the end token', () => {
    expect(ids('a ct liver liver liver spleen air background hepatic')).toEqual([1, 9, 10, 3, 3, 3, 8, 2]);
  });

  it('without an end token, uses the whole context for words', () => {
    expect(
      ids('liver spleen air background a ct hepatic parenchyma', { ...encoder, endToken: undefined }),
    ).toEqual([1, 3, 8, 7, 6, 9, 10, 4]);
    expect(
      ids('liver', { ...encoder, startToken: undefined, endToken: undefined, padToken: undefined }),
    ).toEqual([3, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('pads with the pad token id', () => {
    const padded = tokenize('liver', { ...vocabulary, '<pad>': 11 }, encoder);
    expect(Array.from(padded.ids, Number)).toEqual([1, 3, 2, 11, 11, 11, 11, 11]);
  });

  it('rejects a prompt with no known word, naming the vocabulary size', () => {
    expect(() => tokenize('kidney xyz', vocabulary, encoder)).toThrow(
      'The prompt "kidney xyz" has no word the text encoder knows (vocabulary of 11 words).',
    );
    expect(() => tokenize('', vocabulary, encoder)).toThrow('has no word the text encoder knows');
  });

  it('does not mistake Object.prototype members for words', () => {
    expect(() => tokenize('constructor', vocabulary, encoder)).toThrow('has no word the text encoder knows');
    expect(tokenize('liver constructor', vocabulary, encoder).unknown).toEqual(['constructor']);
  });
});

describe('clipRoi with the planted CLIP', () => {
  let loaded: LoadedModel;
  let clip: OrtSimilarityModel;
  beforeAll(async () => {
    loaded = await loadModelFile(fixture('planted2d.manifest.json'));
    clip = loaded.clip!;
  });

  const margin: Vec3 = [4, 4, 0];
  const options = { slices: [0], margin, logitScale: 10 };
  /** S as a half-open box on the 64×64×1 grid. */
  const s: Box = {
    min: [PLANTED_S.cols[0], PLANTED_S.rows[0], 0],
    max: [PLANTED_S.cols[1], PLANTED_S.rows[1], 1],
  };

  const expectAroundS = (box: Box, slice = 0) => {
    for (const axis of [0, 1]) {
      expect(box.min[axis]).toBeLessThanOrEqual(s.min[axis]);
      expect(box.max[axis]).toBeGreaterThanOrEqual(s.max[axis]);
      expect(box.min[axis]).toBeGreaterThanOrEqual(s.min[axis] - 8);
      expect(box.max[axis]).toBeLessThanOrEqual(s.max[axis] + 8);
    }
    expect([box.min[2], box.max[2]]).toEqual([slice, slice + 1]);
  };

  it('has the manifest prompt classes', () => {
    expect(clip.classes).toEqual(['background', 'organ']);
  });

  it('puts the ROI of the class "organ" around the bright region S', async () => {
    const roi = await clipRoi(plantedSlice(), clip, { target: 'organ', others: ['background'] }, options);
    expect(roi.source).toBe('clip');
    expect(roi.fallbackReason).toBeUndefined();
    expectAroundS(roi.box);
    expect(roi.sliceBoxes).toHaveLength(1);
    expect(roi.sliceBoxes![0]).toEqual(roi.box);
    // The normalised map peaks in S.
    const map = roi.map!;
    expect(map).toHaveLength(64 * 64);
    const centre = 28 + 64 * 24;
    expect(map[centre]).toBeGreaterThan(0.9);
    expect(map[2 + 64 * 60]).toBeLessThan(0.1);
  });

  it('accepts a free-text target through the text encoder', async () => {
    const roi = await clipRoi(
      plantedSlice(),
      clip,
      { target: 'liver parenchyma', others: ['background'] },
      options,
    );
    expect(roi.fallbackReason).toBeUndefined();
    expectAroundS(roi.box);
    // "liver parenchyma" (not a synonym in the manifest) embeds like "liver", so the ROI is the same as the class's.
    const byClass = await clipRoi(plantedSlice(), clip, { target: 'organ', others: ['background'] }, options);
    expect(roi.box).toEqual(byClass.box);
  });

  it('prompts a synonym by its class, whose embedding averages all its synonyms', async () => {
    const slice = plantedSlice();
    const bySynonym = await clip.similarity(slice, { target: 'Hepatic Parenchyma ', others: ['air'] });
    const byClass = await clip.similarity(slice, { target: 'organ', others: ['background'] });
    expect(bySynonym.maps).toEqual(byClass.maps);
  });

  it('matches class names case-insensitively', async () => {
    const roi = await clipRoi(plantedSlice(), clip, { target: ' Organ ', others: ['BACKGROUND'] }, options);
    expectAroundS(roi.box);
  });

  it('rejects a prompt with no known word', async () => {
    await expect(
      clipRoi(plantedSlice(), clip, { target: 'kidney xyz', others: ['background'] }, options),
    ).rejects.toThrow('The prompt "kidney xyz" has no word the text encoder knows');
    // The names that need no encoder come with it.
    await expect(
      clipRoi(plantedSlice(), clip, { target: 'kidney xyz', others: ['background'] }, options),
    ).rejects.toThrow(
      'Or name an organ by a prompt class or synonym of clip.prompts (background: background / air; organ: liver / hepatic parenchyma).',
    );
  });

  it('notes unknown words of a free-text prompt', async () => {
    await clipRoi(plantedSlice(), clip, { target: 'liver tissue', others: ['background'] }, options);
    expect(clip.notes).toContain('Prompt "liver tissue": unknown words ignored: tissue.');
  });

  it('falls back to the whole image, saying why, on a flat image', async () => {
    const flat = createVolume(new Float32Array(64 * 64).fill(0.5), [64, 64, 1]);
    const roi = await clipRoi(flat, clip, { target: 'organ', others: ['background'] }, options);
    expect(roi.box).toEqual({ min: [0, 0, 0], max: [64, 64, 1] });
    expect(roi.fallbackReason).toBe('the similarity map is flat; using the whole image');
    expect(roi.source).toBe('clip');
  });

  it('stacks slice maps on the volume grid, leaving unlooked-at slices out of the ROI', async () => {
    const slice = plantedSlice().data;
    const data = new Float32Array(64 * 64 * 3).fill(0.5);
    data.set(slice, 64 * 64);
    const volume = createVolume(data, [64, 64, 3]);
    const roi = await clipRoi(
      volume,
      clip,
      { target: 'organ', others: ['background'] },
      { ...options, slices: [1] },
    );
    expectAroundS(roi.box, 1);
    expect(roi.sliceBoxes).toHaveLength(3);
    expect(roi.sliceBoxes![0]).toBeNull();
    expect(roi.sliceBoxes![2]).toBeNull();
    expectAroundS(roi.sliceBoxes![1]!, 1);
  });

  it('with contextSlices, reaches an explained slice from its neighbours and looks at them only', async () => {
    // The organ S on slice 2 of 5; the others, slice 1 (explained) included, have only the texture,
    // like a kidney pole that the map misses.
    const data = new Float32Array(64 * 64 * 5);
    for (let k = 0; k < 5; k++) data.set(k === 2 ? plantedSlice().data : textureOnly(), k * 64 * 64);
    const lookedAt: number[] = [];
    const counting = {
      similarity: (slice: Volume, prompts: PromptSet) => {
        lookedAt.push(slice.origin[2]);
        return clip.similarity(slice, prompts);
      },
    };
    const roi = await clipRoi(
      createVolume(data, [64, 64, 5]),
      counting,
      { target: 'organ', others: ['background'] },
      { ...options, slices: [1], contextSlices: 1 },
    );
    expect(lookedAt.sort()).toEqual([0, 1, 2]);
    expectAroundS(roi.sliceBoxes![1]!, 1);
    expectAroundS(roi.sliceBoxes![2]!, 2);
    expect(roi.sliceBoxes![4]).toBeNull();
    const alone = await clipRoi(
      createVolume(data, [64, 64, 5]),
      clip,
      { target: 'organ', others: ['background'] },
      { ...options, slices: [1] },
    );
    // Alone, the textured slice's own strongest blob is taken, and S is not in it.
    expect(covers(alone.sliceBoxes![1]!, s)).toBe(false);
  });

  it('thresholds one explained slice of a series as it thresholds that slice alone', async () => {
    const slice = plantedSlice();
    const data = new Float32Array(64 * 64 * 5).fill(0.5);
    data.set(slice.data, 3 * 64 * 64);
    const inSeries = await clipRoi(
      createVolume(data, [64, 64, 5]),
      clip,
      { target: 'organ', others: ['background'] },
      { ...options, slices: [3] },
    );
    const alone = await clipRoi(slice, clip, { target: 'organ', others: ['background'] }, options);
    expect(inSeries.box.min.slice(0, 2)).toEqual(alone.box.min.slice(0, 2));
    expect(inSeries.box.max.slice(0, 2)).toEqual(alone.box.max.slice(0, 2));
    expect([inSeries.box.min[2], inSeries.box.max[2]]).toEqual([3, 4]);
    expect(inSeries.map!.subarray(3 * 64 * 64, 4 * 64 * 64)).toEqual(alone.map);
    expect(inSeries.map!.subarray(0, 3 * 64 * 64).every((value) => value === 0)).toBe(true);
  });
});

/** Whether `box` holds `inner` in-plane. */
function covers(box: Box, inner: Box): boolean {
  return [0, 1].every((axis) => box.min[axis] <= inner.min[axis] && box.max[axis] >= inner.max[axis]);
}

/** The planted slice's texture without S (an organ-free neighbour slice). */
function textureOnly(): Float32Array {
  return plantedSlice().data.map((value, v) =>
    value === 1 ? 0.4 + 0.2 * Math.sin((v % 64) * 0.7) * Math.cos(Math.floor(v / 64) * 0.9) : value,
  );
}

describe('runExplanation with the CLIP ROI and prompt embeddings only (no text encoder)', () => {
  let loaded: LoadedModel;
  beforeAll(async () => {
    const manifest = JSON.parse(fs.readFileSync(fixture('planted2d.manifest.json'), 'utf8'));
    delete manifest.clip.textEncoder;
    manifest.clip.promptEmbeddings = 'embeddings.json';
    // What the planted text encoder gives the classes: organ (liver) on axis 0, background on axis 1.
    const embeddings = JSON.stringify({ background: [0, 1, 0, 0], organ: [1, 0, 0, 0] });
    loaded = await loadModel(manifest, 'embeddings-only.manifest.json', {
      ort: (await import('onnxruntime-node')) as unknown as OrtModule,
      readFile: async (file) =>
        file === 'embeddings.json'
          ? new TextEncoder().encode(embeddings)
          : new Uint8Array(fs.readFileSync(fixture(file))),
      executionProviders: ['cpu'],
    });
  });

  it('locates the class that a synonym names', async () => {
    const explanation = await runExplanation(loaded, plantedSlice(), {
      organ: 'hepatic parenchyma',
      method: 'occlusion',
      roi: 'clip',
      scope: 'slice',
      slice: 0,
      windowMm: 16,
      strideMm: 16,
    });
    expect(explanation.className).toBe('organ');
    const { source, box } = explanation.roi!;
    expect(source).toBe('clip');
    // The ROI holds the planted region S.
    expect(box.min[0]).toBeLessThanOrEqual(PLANTED_S.cols[0]);
    expect(box.min[1]).toBeLessThanOrEqual(PLANTED_S.rows[0]);
    expect(box.max[0]).toBeGreaterThanOrEqual(PLANTED_S.cols[1]);
    expect(box.max[1]).toBeGreaterThanOrEqual(PLANTED_S.rows[1]);
    // Occlusion's outside tiles rank the rest of the image; the card says so.
    expect(explanation.outsideRanked).toBe(true);
  });

  it.each([
    ['RISE', { method: 'rise', samples: 16 }],
    ['occlusion with the blank outside', { method: 'occlusion', roi: 'clip', outsideTileFactor: 0 }],
    ['occlusion without an ROI', { method: 'occlusion', roi: 'none' }],
  ] as const)('says the outside is not ranked for %s', async (_, change) => {
    const explanation = await runExplanation(loaded, plantedSlice(), {
      organ: 'organ',
      roi: 'clip',
      scope: 'slice',
      slice: 0,
      windowMm: 16,
      strideMm: 16,
      ...change,
    });
    expect(explanation.outsideRanked).toBe(false);
  });

  it("uses the class's roiByClass context (mm along the slices) from the manifest", async () => {
    // Texture, S, texture at 5 mm slice spacing; slice 0 is explained.
    const data = new Float32Array(64 * 64 * 3);
    for (let k = 0; k < 3; k++) data.set(k === 1 ? plantedSlice().data : textureOnly(), k * 64 * 64);
    const volume = createVolume(data, [64, 64, 3], { spacing: [1, 1, 5] });
    const request = {
      organ: 'organ',
      method: 'occlusion',
      roi: 'clip',
      scope: 'slice',
      slice: 0,
      windowMm: 4,
      strideMm: 4,
      marginMm: 0,
      // Boxes: the texture-only slice's several small components would also fill a region's box.
      roiShape: 'box',
    } as const;
    const withContext = (roiByClass: ClipEntry['roiByClass']): LoadedModel => ({
      ...loaded,
      manifest: { ...loaded.manifest, clip: { ...loaded.manifest.clip!, roiByClass } },
    });
    const sBox: Box = {
      min: [PLANTED_S.cols[0], PLANTED_S.rows[0], 0],
      max: [PLANTED_S.cols[1], PLANTED_S.rows[1], 1],
    };
    const boxOnSlice0 = async (roiByClass: ClipEntry['roiByClass']) =>
      (await runExplanation(withContext(roiByClass), volume, request)).roi!.sliceBoxes![0]!;
    expect(covers(await boxOnSlice0(undefined), sBox)).toBe(false);
    expect(covers(await boxOnSlice0({ organ: { contextMm: 5 } }), sBox)).toBe(true);
    // 2 mm is less than half a slice: no neighbour is looked at.
    expect(covers(await boxOnSlice0({ organ: { contextMm: 2 } }), sBox)).toBe(false);
    // The region (the default shape) on slice 0 holds all of S from slice 1.
    const region = (
      await runExplanation(withContext({ organ: { contextMm: 5 } }), volume, { ...request, roiShape: 'mask' })
    ).roi!.mask!;
    plantedMask().forEach((inS, v) => inS && expect(region[v]).toBe(1));
  });

  it('says that free text needs a text encoder, listing the classes and their synonyms', async () => {
    await expect(
      loaded.clip!.similarity(plantedSlice(), { target: 'liver tissue', others: ['background'] }),
    ).rejects.toThrow(
      '"liver tissue" is neither a prompt class nor a synonym in clip.prompts (background: background / air; organ: liver / hepatic parenchyma). Free-text prompts need a text encoder (clip.textEncoder), which this model does not ship: use one of these names, or add a text encoder to the manifest.',
    );
  });
});
