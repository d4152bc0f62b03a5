import { explainVolume } from '../../../extension/src/engine/explain/explainVolume';
import {
  PartialSaliency,
  PartialSaliencySchedule,
} from '../../../extension/src/engine/explain/PartialSaliencySchedule';
import { MethodId } from '../../../extension/src/engine/methods/PerturbationMethod';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';
import { brightOrganModel } from '../../helpers/brightOrganModel';

const [nx, ny, nz] = [24, 24, 2];
const slice = nx * ny;

/** Two textured slices with a bright organ. */
function twoSlices(): Volume<Float32Array> {
  const data = new Float32Array(slice * nz);
  data.forEach((_, v) => {
    const [i, j, k] = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / slice)];
    const organ = i >= 8 && i < 18 && j >= 6 && j < 16;
    data[v] = organ ? 1 : 0.3 + 0.2 * Math.sin(i * 0.7 + k) * Math.cos(j * 0.9);
  });
  return createVolume(data, [nx, ny, nz], { spacing: [2, 2, 2] });
}

const settings: Record<MethodId, object> = {
  occlusion: { windowMm: 8 },
  rise: { masks: 40, gridSize: 4 },
  lime: { samples: 40, features: 'grid', featureSizeMm: 10 },
};

function explain(method: MethodId, partials?: PartialSaliencySchedule, refine?: object) {
  return explainVolume(twoSlices(), brightOrganModel(), {
    classIndex: 1,
    method,
    methodOptions: settings[method],
    refine,
    scope: 'volume',
    batchSize: 4,
    seed: 3,
    partials,
  });
}

/** A schedule whose clock is a second further on every reading: a running map after every batch. */
function everyBatch(): { received: PartialSaliency[]; schedule: PartialSaliencySchedule } {
  const received: PartialSaliency[] = [];
  let time = 0;
  const schedule = new PartialSaliencySchedule(
    (p) => received.push(p),
    1000,
    () => (time += 1000),
  );
  return { received, schedule };
}

describe.each(['occlusion', 'rise', 'lime'] as MethodId[])('running maps of %s', (method) => {
  it('leave the final map bit-identical, start after the first batch and end at the final map', async () => {
    const plain = await explain(method);
    const { received, schedule } = everyBatch();
    const progressive = await explain(method, schedule);

    expect(Array.from(progressive.saliency.data)).toEqual(Array.from(plain.saliency.data));
    const running = received.filter((p) => !p.final);
    const batchesPerSlice = plain.images.map((image) => Math.ceil((image.passes - 1) / 4));
    expect(running).toHaveLength(batchesPerSlice[0] + batchesPerSlice[1]);
    expect(received.filter((p) => p.final).map((p) => p.offset)).toEqual([0, slice]);
    for (const [k, offset] of [0, slice].entries()) {
      const ofSlice = received.filter((p) => p.offset === offset);
      const final = plain.saliency.data.subarray(offset, offset + slice);
      // The first estimate differs from the final map; the last running one (all scores in) equals it.
      expect(Array.from(ofSlice[0].saliency)).not.toEqual(Array.from(final));
      expect(Array.from(ofSlice[ofSlice.length - 2].saliency)).toEqual(Array.from(final));
      expect(ofSlice[ofSlice.length - 1].final).toBe(true);
      expect(ofSlice.length).toBe(batchesPerSlice[k] + 1);
    }
  });
});

it('coarse-to-fine: the second round refines each first-round map in place; the result is the same', async () => {
  const plain = await explain('occlusion', undefined, {});
  const { received, schedule } = everyBatch();
  const progressive = await explain('occlusion', schedule, {});
  expect(plain.refinement!.refinedPerturbations).toBeGreaterThan(0);
  expect(Array.from(progressive.saliency.data)).toEqual(Array.from(plain.saliency.data));
  // Per slice: the first round's running maps and finished map, then the second round's.
  expect(received.filter((p) => p.final).map((p) => p.offset)).toEqual([0, slice, 0, slice]);
  const secondRound = received.slice(received.findIndex((p) => p.final && p.offset === slice) + 1);
  expect(secondRound.filter((p) => !p.final).length).toBeGreaterThan(0);
  const last = secondRound.filter((p) => p.offset === slice && !p.final).pop()!;
  expect(Array.from(last.saliency)).toEqual(Array.from(plain.saliency.data.subarray(slice)));
});

it('paces running maps: the first batch of each image, then only after the interval', async () => {
  const received: PartialSaliency[] = [];
  // A clock that stands still: no interval ever passes.
  const schedule = new PartialSaliencySchedule(
    (p) => received.push(p),
    1000,
    () => 0,
  );
  await explain('rise', schedule);
  expect(received.map((p) => [p.offset, p.final])).toEqual([
    [0, false],
    [0, true],
    [slice, false],
    [slice, true],
  ]);
});
