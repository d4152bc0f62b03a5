import * as fs from 'fs';
import { ManifestError, parseManifest } from '../../extension/src/runtime/manifest/parseManifest';
import { resolveOrgan } from '../../extension/src/runtime/resolveOrgan';
import { fixture } from '../helpers/plantedImage';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are edited as plain JSON here */

const readJson = (name: string): any => JSON.parse(fs.readFileSync(fixture(name), 'utf8'));

/** A fresh deep copy of the valid planted2d manifest (segmenter + CLIP with a text encoder). */
const valid = (): any => readJson('planted2d.manifest.json');

/** Parses and returns the ManifestError it must throw. */
function problemsOf(manifest: unknown): ManifestError {
  try {
    parseManifest(manifest, 'test.manifest.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('parseManifest accepted an invalid manifest');
}

describe('parseManifest', () => {
  it.each(fs.readdirSync(fixture('.')).filter((name) => name.endsWith('.manifest.json')))(
    'accepts the fixture %s',
    (name) => {
      const json = readJson(name);
      const manifest = parseManifest(json, name);
      expect(manifest.segmenter.file).toBe(json.segmenter.file);
      expect(manifest.segmenter.classes.length).toBeGreaterThanOrEqual(2);
    },
  );

  it.each<[string, (m: any) => void, string[]]>([
    [
      'missing segmenter.file',
      (m) => delete m.segmenter.file,
      ['/segmenter: missing required property "file"'],
    ],
    [
      'an unknown property',
      (m) => (m.segmenter.inputShape = [1, 64, 64]),
      ['/segmenter: unknown property "inputShape"'],
    ],
    [
      'an unknown top-level property',
      (m) => (m.weights = 'x.onnx'),
      ['(top level): unknown property "weights"'],
    ],
    ['layout NHWC', (m) => (m.segmenter.layout = 'NHWC'), ['/segmenter/layout', '"NCHW"', '"NCDHW"']],
    [
      'a 3-D fixed shape for NCHW',
      (m) => (m.segmenter.size.shape = [16, 64, 64]),
      ['/segmenter/size/shape has 3 dimensions but layout NCHW needs 2'],
    ],
    [
      'a 2-D fixed shape for NCDHW',
      (m) => (m.segmenter.layout = 'NCDHW'),
      ['/segmenter/size/shape has 2 dimensions but layout NCDHW needs 3'],
    ],
    [
      'targetSpacingMm of the wrong length',
      (m) => {
        m.segmenter.size = { mode: 'dynamic', multiple: 16 };
        m.segmenter.targetSpacingMm = [1, 1, 1];
      },
      ['/segmenter/targetSpacingMm needs 2 values for layout NCHW'],
    ],
    [
      'targetSpacingMm with a fixed size, which would be ignored',
      (m) => (m.segmenter.targetSpacingMm = [1.5, 1.5]),
      [
        '/segmenter/targetSpacingMm applies only to segmenter.size {"mode": "dynamic"}; with the fixed size [64, 64] the image is resampled to that shape whatever its spacing. Remove targetSpacingMm, or use a dynamic size',
      ],
    ],
    [
      'a class list with 1 class',
      (m) => (m.segmenter.classes = ['organ']),
      ['/segmenter/classes', 'fewer than 2'],
    ],
    [
      'percentile low ≥ high',
      (m) => (m.segmenter.channels = [{ kind: 'percentile', low: 99.5, high: 0.5 }]),
      ['/segmenter/channels/0: percentile low (99.5) must be below high (0.5)'],
    ],
    [
      'percentile low = high on the CLIP image encoder',
      (m) => (m.clip.imageEncoder.channels = [{ kind: 'percentile', low: 50, high: 50 }]),
      ['/clip/imageEncoder/channels/0: percentile low (50) must be below high (50)'],
    ],
    [
      'clip without textEncoder and promptEmbeddings',
      (m) => delete m.clip.textEncoder,
      ['/clip: needs a textEncoder or promptEmbeddings'],
    ],
    [
      'a per-class ROI setting for a class the CLIP does not have',
      (m) => (m.clip.roiByClass = { organ: { contextMm: 8 }, kidney: { logitScale: 2 } }),
      ['/clip/roiByClass/kidney: "kidney" is not a CLIP prompt class (background, organ)'],
    ],
    [
      'a negative ROI context',
      (m) => (m.clip.roiByClass = { organ: { contextMm: -8 } }),
      ['/clip/roiByClass/organ/contextMm: must be >= 0'],
    ],
    [
      'an empty or misspelt per-class ROI setting',
      (m) => (m.clip.roiByClass = { organ: {}, background: { logitscale: 2 } }),
      ['/clip/roiByClass/organ: must NOT have fewer than 1 properties', 'logitscale'],
    ],
    [
      'clip prompts with a single class',
      (m) => (m.clip.prompts = { organ: ['liver'] }),
      ['/clip/prompts', 'fewer than 2'],
    ],
    [
      'a negative window width',
      (m) => (m.segmenter.channels = [{ kind: 'window', center: 40, width: -400 }]),
      ['/segmenter/channels/0/width: must be > 0'],
    ],
    [
      'an unknown channel kind',
      (m) => (m.segmenter.channels = [{ kind: 'raw' }, { kind: 'gamma' }]),
      ['/segmenter/channels/1/kind: must be one of "window", "zscore", "percentile", "raw"'],
    ],
    [
      'an array convention that is not itk or nibabel',
      (m) => (m.segmenter.arrayConvention = 'numpy'),
      ['/segmenter/arrayConvention: must be one of "itk", "nibabel"'],
    ],
    [
      "an orientation code given as the image encoder's array convention",
      (m) => (m.clip.imageEncoder.arrayConvention = 'RAS'),
      ['/clip/imageEncoder/arrayConvention: must be one of "itk", "nibabel"'],
    ],
    [
      'a fixed size without its shape',
      (m) => (m.segmenter.size = { mode: 'fixed' }),
      ['/segmenter/size: missing required property "shape"'],
    ],
    [
      'a dynamic size with a zero multiple',
      (m) => (m.segmenter.size = { mode: 'dynamic', multiple: 0 }),
      ['/segmenter/size/multiple: must be >= 1'],
    ],
    [
      'activationBytesPerVoxel 0',
      (m) => (m.segmenter.activationBytesPerVoxel = 0),
      ['/segmenter/activationBytesPerVoxel: must be > 0'],
    ],
    [
      'activationBytesPerVoxel given as text',
      (m) => (m.segmenter.activationBytesPerVoxel = '265 B'),
      ['/segmenter/activationBytesPerVoxel: must be number'],
    ],
  ])('rejects %s, naming the JSON path', (_, edit, fragments) => {
    const manifest = valid();
    edit(manifest);
    const error = problemsOf(manifest);
    expect(error.message).toContain('Model manifest test.manifest.json is invalid');
    for (const fragment of fragments) expect(error.message).toContain(fragment);
    expect(error.problems.length).toBeGreaterThanOrEqual(1);
  });

  it('accepts a positive activationBytesPerVoxel, fractional too', () => {
    const manifest = valid();
    manifest.segmenter.activationBytesPerVoxel = 265.5;
    expect(parseManifest(manifest, 'test.manifest.json').segmenter.activationBytesPerVoxel).toBe(265.5);
  });

  it('reports only the oneOf branch that fits (no noise from the other channel kinds)', () => {
    const manifest = valid();
    manifest.segmenter.channels = [{ kind: 'window', center: 40, width: -400 }];
    expect(problemsOf(manifest).problems).toEqual(['/segmenter/channels/0/width: must be > 0']);
    const noEncoder = valid();
    delete noEncoder.clip.textEncoder;
    expect(problemsOf(noEncoder).problems).toEqual(['/clip: needs a textEncoder or promptEmbeddings']);
  });

  it('reports every schema problem at once', () => {
    const manifest = valid();
    delete manifest.segmenter.file;
    manifest.segmenter.layout = 'NHWC';
    manifest.modalities = [];
    const { problems } = problemsOf(manifest);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/\/segmenter: missing required property "file"/);
    expect(problems.join('\n')).toMatch(/\/segmenter\/layout/);
    expect(problems.join('\n')).toMatch(/\/modalities/);
  });

  it('accepts promptEmbeddings instead of a text encoder', () => {
    const manifest = valid();
    delete manifest.clip.textEncoder;
    manifest.clip.promptEmbeddings = 'embeddings.json';
    expect(parseManifest(manifest, 'x').clip?.promptEmbeddings).toBe('embeddings.json');
  });

  // The shipped CT model segments background and liver only, but its CLIP keeps the prompts of the
  // kidneys and spleen: they are competitors in the ROI's softmax over prompt classes, so the liver's
  // ROI stays what it was with the 5-class model. Prompts must cover the segmenter's classes, not
  // match them; an organ the segmenter lacks is still refused as a target.
  it('accepts CLIP prompts (and roiByClass) for classes the segmenter does not have, as competitors', () => {
    const manifest = valid();
    manifest.clip.prompts.spleen = ['spleen', 'splenic tissue'];
    manifest.clip.roiByClass = { organ: { logitScale: 6 }, spleen: { logitScale: 4, contextMm: 16 } };
    const parsed = parseManifest(manifest, 'x');
    expect(parsed.segmenter.classes).toEqual(['background', 'organ']);
    expect(Object.keys(parsed.clip!.prompts)).toEqual(['background', 'organ', 'spleen']);
    expect(resolveOrgan(parsed, 'liver')).toEqual({ classIndex: 1, className: 'organ' });
    expect(() => resolveOrgan(parsed, 'spleen')).toThrow('does not know the organ "spleen"');
    // The message offers what can be explained: the segmenter's organs and their prompts only.
    expect(() => resolveOrgan(parsed, 'spleen')).toThrow(
      /Use one of its classes \(organ\) or one of their prompts \(organ: [^;)]*\)\.$/,
    );
  });

  it('rejects a non-object', () => {
    expect(problemsOf(null).message).toContain('must be object');
    expect(problemsOf([]).message).toContain('must be object');
  });
});
