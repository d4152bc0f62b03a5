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
import { ClipEntry } from '../../extension/src/runtime/manifest/ModelManifest';
import { fixture, plantedSlice } from '../helpers/plantedImage';

type ImageEncoderEntry = ClipEntry['imageEncoder'];

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

  it.each([
    ['a 3-D network: [D, H, W] = [i, j, k], k fastest', false, [2, 3, 4]],
    ['a 2-D network: [H, W] = [i, j], the slice axis kept', true, [3, 4, 2]],
  ])(
    'orders the grid the nibabel way for %s, and scatters back to the source voxels',
    (_, slicewise, dims) => {
      const reorder = voxelReorder(volume, 'native', slicewise, 'nibabel')!;
      expect(reorder.dimensions).toEqual(dims);
      expect(reorder.spacing).toEqual(dims.map((n) => volume.spacing[volume.dimensions.indexOf(n)]));
      const network = new Float32Array(volume.data.length);
      reorder.gather(volume.data, network);
      const [nw, nh] = reorder.dimensions;
      for (let k = 0; k < 2; k++)
        for (let j = 0; j < 3; j++)
          for (let i = 0; i < 4; i++) {
            // Network voxel (w, h, d) fastest first: nibabel's array[i, j, k] (2-D: slice k's [i, j]).
            const [w, h, d] = slicewise ? [j, i, k] : [k, j, i];
            expect(network[w + nw * (h + nh * d)]).toBe(volume.data[i + 4 * (j + 3 * k)]);
          }
      const back = new Float32Array(network.length);
      reorder.scatter(network, back);
      expect(back).toEqual(volume.data);
    },
  );

  it('composes the orientation with the array convention, and leaves an itk grid as trained alone', () => {
    const stored = reorientVolume(volume, 'RAS');
    expect(voxelReorder(stored, 'RAS', false, 'itk')).toBeUndefined();
    const nibabel = voxelReorder(volume, 'RAS', false, 'nibabel')!;
    const network = new Float32Array(volume.data.length);
    nibabel.gather(volume.data, network);
    const [nx, ny] = stored.dimensions;
    expect(nibabel.dimensions).toEqual([stored.dimensions[2], ny, nx]);
    for (let v = 0; v < network.length; v++) {
      const [i, j, k] = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      expect(network[k + stored.dimensions[2] * (j + ny * i)]).toBe(stored.data[v]);
    }
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

  /** The planted CLIP model under an image encoder entry with `axes`. */
  const clipWith = (axes: Partial<ImageEncoderEntry>) => {
    const encoder = { ...planted.manifest.clip!.imageEncoder, ...axes };
    return Object.create(planted.clip!, {
      entry: { value: { ...planted.manifest.clip!, imageEncoder: encoder } },
    });
  };
  const prompts = { target: 'organ', others: ['background'] };

  it('gives CLIP similarity maps that follow the slice, whatever its storage', async () => {
    const slice = plantedSlice();
    const clip = clipWith({ orientation: 'LPS' });
    const reference = (await clip.similarity(slice, prompts)).maps[0];
    const stored = storedAs(slice, 'RAS');
    const map = (await clip.similarity(stored, prompts)).maps[0];
    expect(maxAbsDiff(reorientVolume({ ...stored, data: map }, 'LPS').data, reference)).toBeLessThan(1e-5);
  });

  it('shows a nibabel-convention CLIP encoder the slice transposed: H = i, W = j', async () => {
    const slice = plantedSlice();
    const seen = async (arrayConvention: 'itk' | 'nibabel') => {
      const clip = clipWith({ orientation: 'LPS', arrayConvention });
      const encoderInput = jest.spyOn(clip, 'patchEmbeddings');
      await clip.similarity(slice, prompts);
      return encoderInput.mock.calls[0][0] as Float32Array;
    };
    const itk = await seen('itk');
    const nibabel = await seen('nibabel');
    expect(itk).toEqual(slice.data);
    // Row h, column w of the encoder's input is voxel (i = h, j = w).
    for (let h = 0; h < 64; h++)
      for (let w = 0; w < 64; w++) expect(nibabel[w + 64 * h]).toBe(slice.data[h + 64 * w]);
    expect(nibabel).not.toEqual(itk);
  });
});
