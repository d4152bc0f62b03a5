import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { bindOrganTarget } from '../../extension/src/engine/explain/bindOrganTarget';
import { explainVolume } from '../../extension/src/engine/explain/explainVolume';
import { makeSubstrate } from '../../extension/src/engine/methods/makeSubstrate';
import { occlusion } from '../../extension/src/engine/methods/occlusion';
import { SegmentationModel } from '../../extension/src/engine/model/SegmentationModel';
import { createRandom } from '../../extension/src/engine/util/random';
import { forEachVoxelInBox, fullBox } from '../../extension/src/engine/volume/Box';
import { Volume } from '../../extension/src/engine/volume/Volume';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { ChannelTransform } from '../../extension/src/runtime/manifest/ModelManifest';
import { intensityStatistics } from '../../extension/src/runtime/preprocess/intensityStatistics';
import { NetworkInput } from '../../extension/src/runtime/preprocess/NetworkInput';
import { reportOf } from '../../extension/src/runtime/reportOf';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { fixture, inS } from '../helpers/plantedImage';

const FILL = -1024;
const window40: ChannelTransform = { kind: 'window', center: 40, width: 400 };

/** 64×64 HU slice: soft tissue (40–80 HU) on the planted region S, noisy air (−1000 to −990) elsewhere. */
function airAroundS(): Volume<Float32Array> {
  const random = createRandom(5);
  const data = new Float32Array(64 * 64).map((_, v) =>
    inS(v % 64, Math.floor(v / 64)) ? 40 + 40 * random() : -1000 + 10 * random(),
  );
  return createVolume(data, [64, 64, 1], { spacing: [1, 1, 1] });
}

describe('a perturbation whose voxels clip to the unperturbed channel values is not run', () => {
  it('NetworkInput.changes compares the prepared footprint with the reference item', () => {
    const reference = airAroundS().data;
    const network = new NetworkInput(
      reference,
      [64, 64, 1],
      [64, 64, 1],
      [64, 64, 1],
      [window40],
      intensityStatistics(reference, [window40]),
    );
    const occluded = (min: [number, number], max: [number, number], value = FILL) => {
      const image = Float32Array.from(reference);
      forEachVoxelInBox({ min: [...min, 0], max: [...max, 1] }, [64, 64, 1], (v) => (image[v] = value));
      return image;
    };
    const overAir = occluded([0, 0], [8, 8]);
    expect(network.wholeItem(overAir)).toEqual(network.wholeItem(reference)); // the premise
    expect(network.changes(overAir)).toBe(false);
    expect(network.changes(Float32Array.from(reference))).toBe(false);
    expect(network.changes(occluded([20, 12], [28, 20]))).toBe(true); // over S
    expect(network.changes(occluded([0, 0], [8, 8], -100))).toBe(true); // −100 HU is inside the window
    // A change over most of the grid is not checked.
    expect(network.changes(occluded([0, 0], [64, 60]))).toBe(true);
    // Checking leaves no trace: a window over S still counts after the air window.
    expect(network.changes(overAir)).toBe(false);
    expect(network.changes(occluded([30, 20], [34, 24]))).toBe(true);
  });

  describe('on planted2d with a 40/400 window channel', () => {
    let folder: string;
    let loaded: LoadedModel;
    beforeAll(async () => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-skip-'));
      const manifest = JSON.parse(fs.readFileSync(fixture('planted2d.manifest.json'), 'utf8'));
      delete manifest.clip;
      manifest.segmenter.file = fixture('planted2d.onnx');
      manifest.segmenter.channels = [window40];
      fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
      loaded = await loadModelFile(path.join(folder, 'manifest.json'));
    });
    afterAll(async () => {
      await loaded.dispose();
      fs.rmSync(folder, { recursive: true, force: true });
    });

    const explain = (model: SegmentationModel) =>
      explainVolume(airAroundS(), model, {
        classIndex: 1,
        method: 'occlusion',
        methodOptions: { windowMm: 4, strideMm: 2 },
        scope: 'slice',
        slice: 0,
        fill: FILL,
        batchSize: 1,
      });

    it('skips the windows over air, and the map is the one every window run gives', async () => {
      const result = await explain(loaded.segmenter);
      // 31 × 31 windows; 9 × 9 overlap S (starts 22…38 along columns, 14…30 along rows).
      expect(result.passes).toBe(1 + 9 * 9);
      expect(result.skippedPasses).toBe(31 * 31 - 9 * 9);

      const image = airAroundS();
      const bound = await bindOrganTarget(loaded.segmenter, image, 1);
      const context = {
        image,
        roi: fullBox(image.dimensions),
        substrate: makeSubstrate(image, FILL),
        seed: 0,
      };
      const plan = occlusion.plan(context, { windowMm: 4, strideMm: 2 });
      const out = new Float32Array(image.data.length);
      for (let index = 0; index < plan.count; index++) {
        plan.write(index, out);
        plan.receive(index, bound.target!(await bound.predictor.predict(out, 1), 0));
      }
      expect(result.saliency.data).toEqual(plan.finish(bound.baselineScore));
    });

    it('report.json counts the skipped perturbations apart from the passes run', async () => {
      const explanation = await runExplanation(loaded, airAroundS(), {
        organ: 'organ',
        method: 'occlusion',
        roi: 'none',
        scope: 'slice',
        slice: 0,
        windowMm: 4,
        strideMm: 2,
        fill: FILL,
      });
      const report = reportOf(explanation, loaded, [64, 64, 1]);
      expect(report).toMatchObject({ passes: 1 + 9 * 9, skippedPasses: 31 * 31 - 9 * 9 });
    });

    it('without the predictor’s check, only voxel-equal images are skipped: none here', async () => {
      const { segmenter } = loaded;
      const uncheckedModel: SegmentationModel = {
        classNames: segmenter.classNames,
        dimensionality: segmenter.dimensionality,
        bind: async (reference) => ({ ...(await segmenter.bind(reference)), changesInput: undefined }),
      };
      const result = await explain(uncheckedModel);
      expect(result.skippedPasses).toBe(0);
      expect(result.passes).toBe(1 + 31 * 31);
    });
  });
});
