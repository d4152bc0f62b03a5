import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { createVolume, predictedMask, reorientVolume, Volume } from '@xai-clip/engine';
import { loadModelFile, readDicomSeries, readNifti, writeDicomSeries, writeNifti } from '@xai-clip/io';
import { LoadedModel, SegmenterEntry } from '@xai-clip/runtime';
import { fixture } from '../helpers/plantedImage';

/**
 * The orientation matrix: one phantom stored as DICOM series and NIfTI files in many
 * orientations, segmented by a model that is right in one orientation and array order only
 * (oriented3d_ras_nibabel: bright voxels in the patient's left-anterior-superior octant). Every
 * storage must give the same mask in patient space, and that mask must be the octant's.
 */
const [NX, NY, NZ] = [8, 12, 10];
const BRIGHT = 800;

/** The phantom stored LPS: bright blobs in several octants over a textured 200-ish background. */
function phantom(): Volume<Float32Array> {
  const data = new Float32Array(NX * NY * NZ);
  const blobs = [
    [5, 2, 7], // left, anterior, superior: the model's octant
    [6, 4, 8], // also there
    [1, 2, 7], // the mirror image on the right: only a left-right mistake finds it
    [5, 9, 7], // posterior
    [5, 2, 2], // inferior
    [2, 8, 3],
  ];
  for (let k = 0; k < NZ; k++)
    for (let j = 0; j < NY; j++)
      for (let i = 0; i < NX; i++) {
        const near = blobs.some(
          ([bi, bj, bk]) => Math.abs(i - bi) + Math.abs(j - bj) + Math.abs(k - bk) <= 1,
        );
        data[i + NX * (j + NY * k)] = near ? BRIGHT : 200 + ((i * 7 + j * 13 + k * 29) % 50);
      }
  return createVolume(data, [NX, NY, NZ], { spacing: [1.5, 2, 3], origin: [-40, 10, 100] });
}

/** The mask the model is meant to give, on the LPS phantom: bright, left (high i), anterior (low j), superior (high k). */
function expectedMask(lps: Volume<Float32Array>): Uint8Array {
  return Uint8Array.from(lps.data, (value, v) => {
    const [i, j, k] = [v % NX, Math.floor(v / NX) % NY, Math.floor(v / (NX * NY))];
    return value > 500 && i >= NX / 2 && j < NY / 2 && k >= NZ / 2 ? 1 : 0;
  });
}

/** The organ mask `model` predicts on `image`, on the image's grid, then in LPS order. */
async function maskInLps(model: LoadedModel, image: Volume): Promise<Uint8Array> {
  const predictor = await model.segmenter.bind(image);
  const data = Float32Array.from(image.data);
  const probabilities = predictor.toImageGrid(await predictor.predict(data, 1));
  const mask = predictedMask(probabilities, 2, data.length, 1);
  return reorientVolume({ ...image, data: mask }, 'LPS').data;
}

/** The oriented model with its manifest's orientation and array convention replaced. */
function declaring(model: LoadedModel, axes: Partial<SegmenterEntry>): LoadedModel {
  const entry = { ...model.manifest.segmenter, ...axes };
  return { ...model, segmenter: Object.create(model.segmenter, { entry: { value: entry } }) };
}

const count = (mask: Uint8Array) => mask.reduce((sum, m) => sum + m, 0);

describe('orientation matrix: the same anatomy in every storage gives the same mask in patient space', () => {
  let model: LoadedModel;
  let folder: string;
  const lps = phantom();
  const expected = expectedMask(lps);

  beforeAll(async () => {
    model = await loadModelFile(fixture('oriented3d_ras_nibabel.manifest.json'));
    folder = mkdtempSync(path.join(tmpdir(), 'xai-clip-orientation-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('has a non-trivial expected mask', () => {
    expect(count(expected)).toBeGreaterThan(5);
    expect(count(expected)).toBeLessThan(lps.data.filter((value) => value > 500).length);
  });

  it.each([
    ['axial, rows to the left, columns posterior (LPS)', 'LPS'],
    ['axial, rows to the right, columns anterior (RAS)', 'RAS'],
    ['axial, transposed: rows posterior, columns to the left (PLS)', 'PLS'],
    ['axial, slices written head to feet (LPI)', 'LPI'],
    ['coronal: rows to the left, columns inferior (LIP)', 'LIP'],
    ['sagittal: rows posterior, columns inferior (PIR)', 'PIR'],
  ])('DICOM series %s', async (_, code) => {
    const series = path.join(folder, code);
    writeDicomSeries(series, reorientVolume(lps, code), {
      modality: 'CT',
      patientName: 'Phantom',
      patientId: 'PHANTOM',
      studyDescription: 'orientation matrix',
      seriesDescription: code,
      uidSeed: `orientation-${code}`,
    });
    const image = await readDicomSeries(series);
    expect(await maskInLps(model, image)).toEqual(expected);
  });

  it.each(['RAS', 'LPS', 'LAS'])('NIfTI stored %s', async (code) => {
    const file = path.join(folder, `${code}.nii.gz`);
    writeNifti(file, reorientVolume(lps, code));
    const image = await readNifti(file);
    expect(await maskInLps(model, image)).toEqual(expected);
  });

  it.each([
    ['the mirrored orientation LAS', { orientation: 'LAS' as const }],
    ['the itk array convention', { arrayConvention: 'itk' as const }],
    ['no orientation (native)', { orientation: 'native' as const }],
  ])('gives a different mask when the manifest declares %s', async (_, axes) => {
    const wrong = await maskInLps(declaring(model, axes), reorientVolume(lps, 'LPS'));
    expect(wrong).not.toEqual(expected);
  });
});
