import { createHash } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { readNifti } from '../../cli/src/io/readNifti';
import { writeDicomSeries } from '../../cli/src/io/writeDicomSeries';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { segmentVolume } from '../../extension/src/engine/explain/segmentVolume';
import { reorientVolume } from '../../extension/src/engine/volume/reorient';
import { Volume } from '../../extension/src/engine/volume/Volume';
import { asFloat32, sliceOf } from '../../extension/src/engine/volume/volumeUtils';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { commandNames } from '../../extension/src/id';
import { dataRoot } from '../helpers/dataRoot';
import { openViewer, showStudy, ViewerSession } from './helpers/viewerSession';
import { xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEMO_MR_SUBJECT } = require('../../scripts/start.js') as { DEMO_MR_SUBJECT: number };

const ROOT = path.join(__dirname, '..', '..');
const MANIFESTS: Record<string, string> = {
  CT: path.join(ROOT, 'models', 'chaos-ct-segformer', 'manifest.json'),
  MR: path.join(ROOT, 'models', 'chaos-mr-t2-segformer', 'manifest.json'),
};
/** The seeded explanation both sides run: the panel's request (coarse-to-fine, its default) with coarse occlusion windows. */
const EXPLANATION = {
  organ: 'liver',
  method: 'occlusion',
  roi: 'mask',
  roiShape: 'mask',
  scope: 'slice',
  windowMm: 40,
  strideMm: 40,
  coarseToFine: true,
} as const;

/** The MR demo volume (LPS) stored with unusual geometry: what a reader must not get wrong. */
const SYNTHETIC: Record<string, (mr: Volume) => Volume> = {
  'negative-cosines': (mr) => reorientVolume(mr, 'RAS'),
  'reversed-slices': (mr) => reorientVolume(mr, 'LPI'),
  'transposed-axes': (mr) => reorientVolume(mr, 'PLS'),
  'non-square-pixels': (mr) => ({ ...mr, spacing: [1.25, 1.6, mr.spacing[2]] }),
  oblique: (mr) => {
    const a = (20 * Math.PI) / 180;
    return { ...mr, direction: [Math.cos(a), Math.sin(a), 0, -Math.sin(a), Math.cos(a), 0, 0, 0, 1] };
  },
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let v = 0; v < Math.min(a.length, b.length); v++) worst = Math.max(worst, Math.abs(a[v] - b[v]));
  return worst;
};

function dice(a: ArrayLike<number>, b: ArrayLike<number>, value: number): number {
  let both = 0;
  let sum = 0;
  for (let v = 0; v < a.length; v++) {
    const x = a[v] === value;
    const y = b[v] === value;
    if (x && y) both++;
    sum += Number(x) + Number(y);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let v = 0; v < n; v++) [ma, mb] = [ma + a[v] / n, mb + b[v] / n];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let v = 0; v < n; v++) {
    ab += (a[v] - ma) * (b[v] - mb);
    aa += (a[v] - ma) ** 2;
    bb += (b[v] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** What the viewer builds from the shown series: its volume (hashed), slice k's network input, labels and saliency. */
async function viewerSide(session: ViewerSession) {
  const { page } = session;
  const volume = await page.evaluate(async (readActiveVolume) => {
    const volume = await (window as any).commandsManager.runCommand(readActiveVolume);
    const bytes = new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return {
      type: volume.data.constructor.name,
      sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      dimensions: volume.dimensions,
      spacing: volume.spacing,
      origin: volume.origin,
      direction: volume.direction,
    };
  }, commandNames.readActiveVolume);
  const voxels: number[] = (await xaiState(page)).survey.result.modelVoxels;
  const slice = voxels.indexOf(Math.max(...voxels));
  const inspection = await page.evaluate(
    async ({ k, inspectSlice }) => {
      const { networkInput, labels } = await (window as any).commandsManager.runCommand(inspectSlice, {
        slice: k,
      });
      return {
        networkInput: Array.from(networkInput as Float32Array),
        labels: Array.from(labels as Uint8Array),
      };
    },
    { k: slice, inspectSlice: commandNames.inspectSlice },
  );
  const saliency = await page.evaluate(
    async ({ k, request, commands }) => {
      const { commandsManager } = window as any;
      const report = await commandsManager.runCommand(commands.explain, { ...request, confirmed: true });
      if (!report) {
        const { message } = commandsManager.runCommand(commands.getState);
        throw new Error(`The viewer's explanation failed: ${message}`);
      }
      const result = commandsManager.runCommand(commands.getResult);
      const [nx, ny] = result.series.dimensions;
      return Array.from((result.saliency as Float32Array).subarray(k * nx * ny, (k + 1) * nx * ny));
    },
    { k: slice, request: EXPLANATION, commands: commandNames },
  );
  return { volume, slice, ...inspection, saliency };
}

/** The same from the CLI's reader and runtime (onnxruntime-node) on the same DICOM folder. */
async function cliSide(folder: string, slice: number) {
  const volume = await readDicomSeries(folder);
  const loaded = await loadModelFile(MANIFESTS[volume.meta.Modality]);
  const image = asFloat32(sliceOf(volume, slice));
  const labels = (await segmentVolume(image, loaded.segmenter)).data;
  const { result } = await runExplanation(loaded, volume, { ...EXPLANATION, slice });
  const plane = image.data.length;
  return {
    volume,
    sha256: createHash('sha256')
      .update(new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength))
      .digest('hex'),
    networkInput: loaded.segmenter.networkInput(image),
    labels,
    classes: loaded.segmenter.classNames.length,
    saliency: result.saliency.data.subarray(slice * plane, (slice + 1) * plane),
  };
}

describe('Viewer–CLI parity: one volume, one network input, whichever host (Chromium, WASM)', () => {
  const folders = mkdtempSync(path.join(tmpdir(), 'xai-clip-parity-'));
  const studies: Record<string, string> = {};
  let session: ViewerSession;

  beforeAll(async () => {
    const nifti = await readNifti(path.join(dataRoot(), 'chaos-mr-t2', `image_${DEMO_MR_SUBJECT}.nii.gz`));
    const mr = reorientVolume(nifti, 'LPS');
    for (const [name, make] of Object.entries(SYNTHETIC)) {
      studies[name] = path.join(folders, name);
      writeDicomSeries(studies[name], make(mr), {
        modality: 'MR',
        patientName: `PARITY^${name}`,
        patientId: `PARITY-${name}`,
        studyDescription: `Parity: ${name}`,
        seriesDescription: name,
        uidSeed: `parity-${name}`,
      });
    }
    session = await openViewer({ studies });
  });
  afterAll(async () => {
    await session?.close();
    rmSync(folders, { recursive: true, force: true });
  });

  it.each(['chaos-ct', 'chaos-mr', ...Object.keys(SYNTHETIC)])(
    '%s: same voxels and geometry, network input within 1e-5, masks Dice ≥ 0.999, map r ≥ 0.999',
    async (name) => {
      if (name !== 'chaos-ct') await showStudy(session.page, session.studyUrls[name]);
      const viewer = await viewerSide(session);
      const folder =
        studies[name] ??
        (name === 'chaos-ct'
          ? path.join(dataRoot(), 'chaos-ct', 'dicom')
          : path.join(ROOT, 'build', 'www', 'demo', `chaos-mr-${DEMO_MR_SUBJECT}-lps`));
      const cli = await cliSide(folder, viewer.slice);
      const geometry = Math.max(
        maxAbsDiff(viewer.volume.spacing, cli.volume.spacing),
        maxAbsDiff(viewer.volume.origin, cli.volume.origin),
        maxAbsDiff(viewer.volume.direction, cli.volume.direction),
      );
      const inputDelta = maxAbsDiff(viewer.networkInput, cli.networkInput);
      const dices = Array.from({ length: cli.classes }, (_, c) => dice(viewer.labels, cli.labels, c));
      const r = pearson(viewer.saliency, cli.saliency);
      console.log(
        `${name}: voxels ${viewer.volume.sha256 === cli.sha256 ? 'identical' : 'DIFFER'} (${viewer.volume.type}), ` +
          `geometry max |Δ| ${geometry.toExponential(1)}, slice ${viewer.slice}: network input max |Δ| ${inputDelta.toExponential(2)}, ` +
          `Dice per class ${dices.map((d) => d.toFixed(4)).join(' / ')}, saliency r ${r.toFixed(5)}`,
      );
      expect(viewer.volume.type).toBe(cli.volume.data.constructor.name);
      expect(viewer.volume.sha256).toBe(cli.sha256);
      expect(viewer.volume.dimensions).toEqual(cli.volume.dimensions);
      expect(geometry).toBeLessThan(1e-6);
      expect(inputDelta).toBeLessThanOrEqual(1e-5);
      dices.forEach((d) => expect(d).toBeGreaterThanOrEqual(0.999));
      expect(r).toBeGreaterThanOrEqual(0.999);
    },
  );
});
