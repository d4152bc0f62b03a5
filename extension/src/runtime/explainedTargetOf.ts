import { Vec3 } from '../engine/volume/Volume';
import { ExplainedTarget } from './ExplainedTarget';
import { ResolvedTargetRegion } from './resolveTargetRegion';

/** What was explained: the organ, or the resolved region with its `voxels` on the explained slices. */
export function explainedTargetOf(
  region: ResolvedTargetRegion | undefined,
  voxels: number | undefined,
  spacing: Vec3,
): ExplainedTarget {
  if (!region) return { kind: 'organ' };
  const { mask, ...described } = region;
  const count = voxels ?? mask.reduce((sum, m) => sum + m, 0);
  return { ...described, voxels: count, ml: (count * spacing[0] * spacing[1] * spacing[2]) / 1000 };
}
