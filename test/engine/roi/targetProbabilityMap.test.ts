import { targetProbabilityMap } from '../../../extension/src/engine/roi/targetProbabilityMap';
import { createRandom } from '../../../extension/src/engine/util/random';

/** The textbook softmax over classes at voxel v, in float64. */
function softmaxAt(maps: Float32Array[], target: number, scale: number, v: number): number {
  const logits = maps.map((map) => map[v] * scale);
  const top = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - top));
  return weights[target] / weights.reduce((a, b) => a + b, 0);
}

describe('targetProbabilityMap', () => {
  const random = createRandom(7);
  const maps = Array.from({ length: 5 }, () => Float32Array.from({ length: 500 }, () => 2 * random() - 1));

  it.each([1, 3, 10, 100])('equals the softmax over classes at logit scale %d', (scale) => {
    for (const target of [0, 3]) {
      const probability = targetProbabilityMap(maps, target, scale);
      for (let v = 0; v < 500; v++) expect(probability[v]).toBeCloseTo(softmaxAt(maps, target, scale, v), 6);
    }
  });

  it('gives 1/C for equal similarities and stays in [0, 1] at extreme scales', () => {
    const equal = [
      new Float32Array([0.3]),
      new Float32Array([0.3]),
      new Float32Array([0.3]),
      new Float32Array([0.3]),
    ];
    expect(targetProbabilityMap(equal, 2, 50)[0]).toBeCloseTo(0.25, 7);
    const apart = [new Float32Array([-1, 1]), new Float32Array([1, -1])];
    expect(Array.from(targetProbabilityMap(apart, 0, 1000))).toEqual([0, 1]);
  });
});
