import { boxContains } from './Box';
import { MaskComponent } from './maskComponents';
import { Vec3 } from './Volume';

/** The component (of `maskComponents`) holding voxel (i, j, k) of a grid of `dimensions`, or null. */
export function componentContaining(
  components: readonly MaskComponent[],
  [i, j, k]: Vec3,
  dimensions: Vec3,
): MaskComponent | null {
  const index = i + dimensions[0] * (j + dimensions[1] * k);
  return (
    components.find(
      (component) => boxContains(component.box, i, j, k) && component.voxelIndices.includes(index),
    ) ?? null
  );
}
