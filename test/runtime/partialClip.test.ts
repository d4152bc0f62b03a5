import * as fs from 'fs';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { parseManifest } from '../../extension/src/runtime/manifest/parseManifest';
import { reportOf } from '../../extension/src/runtime/reportOf';
import { resolveOrgan } from '../../extension/src/runtime/resolveOrgan';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { surveyOrgan } from '../../extension/src/runtime/surveyOrgan';
import { fixture } from '../helpers/plantedImage';

// planted3d_2ch with a CLIP part that prompts the liver but not the spleen (as a CLIP that was
// never trained on one of the segmenter's organs).
const MANIFEST = 'planted3d_partial_clip.manifest.json';
const [nx, ny, nz] = [32, 32, 16];
type Range = [number, number];
/** The planted regions (depth, rows, columns): the liver's output reads S1, the spleen's S2. */
const S1: Range[] = [
  [4, 9],
  [8, 19],
  [10, 21],
];
const S2: Range[] = [
  [8, 13],
  [20, 27],
  [4, 11],
];

/** HU volume: `inside` in the region, `outside` elsewhere. */
function volumeWith([depth, rows, columns]: Range[], inside: number, outside: number) {
  const within = (value: number, [first, last]: Range) => value >= first && value <= last;
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0, v = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++)
        data[v] = within(k, depth) && within(j, rows) && within(i, columns) ? inside : outside;
  return createVolume(data, [nx, ny, nz], { spacing: [1, 1, 1] });
}

const explain = (loaded: LoadedModel, organ: string, volume = volumeWith(S2, 1000, -1000)) =>
  runExplanation(loaded, volume, { organ, method: 'rise', roi: 'clip', scope: 'volume', samples: 4 });

describe('a CLIP part without prompts for some segmenter classes', () => {
  let loaded: LoadedModel;
  beforeAll(async () => {
    loaded = await loadModelFile(fixture(MANIFEST));
  });
  afterAll(() => loaded.dispose());

  it('validates', () => {
    const manifest = parseManifest(JSON.parse(fs.readFileSync(fixture(MANIFEST), 'utf8')), MANIFEST);
    expect(manifest.segmenter.classes).toEqual(['background', 'liver', 'spleen']);
    expect(Object.keys(manifest.clip!.prompts)).toEqual(['background', 'liver']);
  });

  it('explains an unprompted class with the mask ROI instead of CLIP, and says so', async () => {
    const explanation = await explain(loaded, 'spleen');
    expect(explanation.request.roi).toBe('clip');
    const report = reportOf(explanation, loaded, [nx, ny, nz]);
    expect(report.roi.source).toBe('mask');
    expect(report.notes[0]).toBe(
      "ROI: the model's CLIP part has no prompts for spleen, so the ROI is the model's predicted spleen " +
        "(--roi mask) instead of CLIP's. CLIP locates only liver; add prompts for spleen to clip.prompts " +
        'in the manifest to locate it with CLIP.',
    );
  });

  it('keeps the CLIP ROI for a prompted class', async () => {
    const explanation = await explain(loaded, 'hepatic parenchyma', volumeWith(S1, 240, -160));
    const report = reportOf(explanation, loaded, [nx, ny, nz]);
    expect(report).toMatchObject({ organ: 'liver', roi: { source: 'clip' } });
    expect(report.notes.join('\n')).not.toMatch(/no prompts/);
  });

  it('surveys an unprompted class by the segmenter alone', async () => {
    const spleen = await surveyOrgan(loaded, volumeWith(S2, 1000, -1000), 'spleen');
    expect(spleen.clipFraction).toBeUndefined();
    expect(Math.max(...spleen.modelVoxels)).toBeGreaterThan(0);
    const liver = await surveyOrgan(loaded, volumeWith(S1, 240, -160), 'liver');
    expect(liver.clipFraction).toHaveLength(nz);
  });

  it('names the organs, and the prompts of those CLIP knows, for an organ the model does not know', () => {
    expect(() => resolveOrgan(loaded.manifest, 'pancreas')).toThrow(
      'The model "planted-3d-partial-clip" does not know the organ "pancreas". Use one of its classes ' +
        '(liver, spleen) or one of their prompts (liver: liver / hepatic parenchyma).',
    );
  });
});
