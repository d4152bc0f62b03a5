import { readFileSync } from 'fs';
import * as path from 'path';
import { explainVolume, predictedMask, Vec3, Volume } from '@xai-clip/engine';
import { loadModelFile, readNifti } from '@xai-clip/io';
import { LoadedModel, SegmenterEntry } from '@xai-clip/runtime';
import { fixture } from '../helpers/plantedImage';

/**
 * Python parity (issue 17): PyTorch segmenters fed nibabel's arrays of NIfTI files (the MONAI
 * way), exported to ONNX by test/fixtures/models/make_parity_models.py together with torch's
 * mask and a hand-written torch occlusion map. The project, reading the same file with its own
 * reader under a manifest that declares arrayConvention "nibabel", must give torch's mask voxel
 * for voxel and its occlusion map; declaring "itk" instead must not.
 */
const PARITY = path.join(__dirname, '..', 'fixtures', 'parity');

interface ParitySettings {
  orientation: string;
  windowMm: Vec3;
  strideMm: Vec3;
  fill: 'min';
  organVoxels: number;
}
const settings: Record<string, ParitySettings> = JSON.parse(
  readFileSync(path.join(PARITY, 'parity.json'), 'utf8'),
);

const read = (name: string, what: string) => readNifti(path.join(PARITY, `${name}_${what}.nii.gz`));

/** The occlusion the generator wrote torch's map for, with the whole image as the ROI. */
function explainOcclusion(image: Volume, model: LoadedModel, setting: ParitySettings) {
  return explainVolume(image, model.segmenter, {
    classIndex: 1,
    method: 'occlusion',
    methodOptions: { windowMm: setting.windowMm, strideMm: setting.strideMm, outsideTileFactor: 0 },
    scope: 'volume',
    fill: setting.fill,
    target: 'sum',
  });
}

/** The model under its manifest with the array convention replaced. */
function declaring(model: LoadedModel, axes: Partial<SegmenterEntry>): LoadedModel {
  const entry = { ...model.manifest.segmenter, ...axes };
  return { ...model, segmenter: Object.create(model.segmenter, { entry: { value: entry } }) };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let [ma, mb] = [0, 0];
  for (let v = 0; v < n; v++) [ma, mb] = [ma + a[v] / n, mb + b[v] / n];
  let [sab, saa, sbb] = [0, 0, 0];
  for (let v = 0; v < n; v++) {
    sab += (a[v] - ma) * (b[v] - mb);
    saa += (a[v] - ma) ** 2;
    sbb += (b[v] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** The organ (class 1 of 2) where it wins, from probabilities [2, voxels] on the image grid. */
const organMaskOf = (probabilities: Float32Array) =>
  predictedMask(probabilities, 2, probabilities.length / 2, 1);

const disagreements = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).filter((value, v) => value !== b[v]).length;

describe.each(Object.keys(settings))('Python parity of %s (nibabel array order)', (name) => {
  const setting = settings[name];
  let model: LoadedModel;
  let image: Volume;
  let torchMask: Volume;

  beforeAll(async () => {
    model = await loadModelFile(fixture(`${name}.manifest.json`));
    [image, torchMask] = await Promise.all([read(name, 'image'), read(name, 'torch_mask')]);
  });

  it("reproduces torch's mask voxel for voxel and its occlusion map (r ≥ 0.9999)", async () => {
    expect(model.manifest.segmenter).toMatchObject({
      arrayConvention: 'nibabel',
      orientation: setting.orientation,
    });
    const torchMap = await read(name, 'torch_occlusion');
    const result = await explainOcclusion(image, model, setting);
    expect(Array.from(torchMask.data).filter(Boolean).length).toBe(setting.organVoxels);
    expect(disagreements(result.organMask.data, torchMask.data)).toBe(0);
    expect(pearson(result.saliency.data, torchMap.data)).toBeGreaterThanOrEqual(0.9999);
  });

  it("reproduces torch's mask on onnxruntime-web (WASM, the viewer's runtime) too", async () => {
    const web = await loadModelFile(fixture(`${name}.manifest.json`), 'web');
    try {
      const predictor = await web.segmenter.bind(image);
      const probabilities = predictor.toImageGrid(await predictor.predict(Float32Array.from(image.data), 1));
      expect(disagreements(organMaskOf(probabilities), torchMask.data)).toBe(0);
    } finally {
      await web.segmenter.dispose();
    }
  });

  it('disagrees with torch when the manifest says itk (the field matters)', async () => {
    const predictor = await declaring(model, { arrayConvention: 'itk' }).segmenter.bind(image);
    const probabilities = predictor.toImageGrid(await predictor.predict(Float32Array.from(image.data), 1));
    expect(disagreements(organMaskOf(probabilities), torchMask.data)).toBeGreaterThan(
      image.data.length / 100,
    );
  });
});
