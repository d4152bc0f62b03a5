import { loadModelFile } from '../../cli/src/io/loadModelFile';
import {
  axisMapping,
  directionOf,
  reorientVolume,
  voxelReorder,
} from '../../extension/src/engine/volume/reorient';
import { Volume } from '../../extension/src/engine/volume/Volume';
import { createVolume, voxelToWorld } from '../../extension/src/engine/volume/volumeUtils';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { fixture, plantedSlice } from '../helpers/plantedImage';

/** The same anatomy as `slice` (stored LPS) stored in `orientation`, with its geometry. */
const storedAs = (slice: Volume<Float32Array>, orientation: string) => reorientVolume(slice, orientation);

/** Organ probabilities of `image` on its own grid. */
async function organProbabilities(model: LoadedModel, image: Volume): Promise<Float32Array> {
  const predictor = await model.segmenter.bind(image);
  const data = Float32Array.from(image.data);
  const probabilities = predictor.toImageGrid(await predictor.predict(data, 1));
  return probabilities.slice(data.length, 2 * data.length);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let v = 0; v < a.length; v++) worst = Math.max(worst, Math.abs(a[v] - b[v]));
  return worst;
};

describe('reorientation (engine)', () => {
  const volume = createVolume(
    Float32Array.from({ length: 4 * 3 * 2 }, (_, v) => v),
    [4, 3, 2],
    {
      spacing: [0.5, 0.8, 3],
      origin: [10, -20, 30],
      // Columns run anterior, rows run left, slices run inferior: a transposed, mirrored storage.
      direction: [0, -1, 0, 1, 0, 0, 0, 0, -1],
    },
  );

  it.each(['LPS', 'RAS', 'LAS', 'SLP', 'IRA'])(
    'keeps every voxel at its place in space when stored %s',
    (code) => {
      const oriented = reorientVolume(volume, code);
      expect(oriented.direction).toEqual(directionOf(code));
      const [nx, ny, nz] = oriented.dimensions;
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const value = oriented.data[i + nx * (j + ny * k)];
            const [si, sj, sk] = [value % 4, Math.floor(value / 4) % 3, Math.floor(value / 12)];
            const there = voxelToWorld(volume, si, sj, sk);
            voxelToWorld(oriented, i, j, k).forEach((x, a) => expect(x).toBeCloseTo(there[a], 9));
          }
    },
  );

  it('maps an oblique grid to the nearest orientation, and knows when nothing is to do', () => {
    const angle = (20 * Math.PI) / 180;
    const oblique = {
      ...volume,
      direction: [Math.cos(angle), Math.sin(angle), 0, -Math.sin(angle), Math.cos(angle), 0, 0, 0, 1],
    };
    expect(axisMapping(oblique, 'LPS')).toBeUndefined();
    expect(axisMapping(oblique, 'RPS')).toMatchObject({ axes: [0, 1, 2], flips: [true, false, false] });
  });

  it('refuses codes that are not orientations, and 2-D models slices across their plane', () => {
    expect(() => axisMapping(volume, 'LLS')).toThrow(/not an orientation.*L\/R, A\/P and S\/I/);
    const sagittal = { ...volume, direction: directionOf('PSL') };
    expect(() => voxelReorder(sagittal, 'LPS', true)).toThrow(
      /model takes axial slices \(orientation LPS\) but this series' slices are sagittal/,
    );
  });
});

describe('the runtime shows a network its training orientation', () => {
  let planted: LoadedModel;
  beforeAll(async () => {
    planted = await loadModelFile(fixture('planted2d.manifest.json'));
  });
  const withOrientation = (orientation: string | undefined): LoadedModel => {
    const entry = { ...planted.manifest.segmenter, orientation };
    // The same session under a manifest that declares the orientation.
    const segmenter = Object.create(planted.segmenter, { entry: { value: entry } });
    return { ...planted, segmenter };
  };

  it.each(['RAS', 'LAS', 'PLS', 'ARI'])(
    'segments a slice stored %s like the same slice stored as trained (LPS), in patient space',
    async (code) => {
      const slice = plantedSlice();
      const trained = withOrientation('LPS');
      const reference = await organProbabilities(trained, slice);
      const stored = storedAs(slice, code);
      const probabilities = await organProbabilities(trained, stored);
      const backInLps = reorientVolume({ ...stored, data: probabilities }, 'LPS');
      expect(maxAbsDiff(backInLps.data, reference)).toBeLessThan(1e-6);
      // Without the orientation the network sees the mirrored slice and answers differently.
      const native = await organProbabilities(withOrientation(undefined), stored);
      expect(maxAbsDiff(reorientVolume({ ...stored, data: native }, 'LPS').data, reference)).toBeGreaterThan(
        0.1,
      );
    },
  );

  it('gives CLIP similarity maps that follow the slice, whatever its storage', async () => {
    const slice = plantedSlice();
    const encoder = { ...planted.manifest.clip!.imageEncoder, orientation: 'LPS' as const };
    const clip = Object.create(planted.clip!, {
      entry: { value: { ...planted.manifest.clip!, imageEncoder: encoder } },
    });
    const prompts = { target: 'organ', others: ['background'] };
    const reference = (await clip.similarity(slice, prompts)).maps[0];
    const stored = storedAs(slice, 'RAS');
    const map = (await clip.similarity(stored, prompts)).maps[0];
    expect(maxAbsDiff(reorientVolume({ ...stored, data: map }, 'LPS').data, reference)).toBeLessThan(1e-5);
  });
});
