import { AxisMapping } from './AxisMapping';

/**
 * How a network's tensor axes take the voxel axes i, j, k of an image in its training
 * orientation (the grid's fastest axis is the tensor's last):
 *
 * - 'itk': [C, (D = k,) H = j, W = i], i fastest: SimpleITK's GetArrayFromImage, nnU-Net,
 *   cornerstone, DICOM rows × columns.
 * - 'nibabel': [C, D = i, H = j, W = k], k fastest, and 2-D [C, H = i, W = j]: the arrays of
 *   nibabel's `get_fdata()` and MONAI's LoadImage, sliced `img[:, :, k]` for 2-D.
 */
export type ArrayConvention = 'itk' | 'nibabel';

/**
 * `mapping` (onto the training orientation) followed by the transpose of `convention`, so that
 * target axis 0, 1, 2 is the network's W, H, D axis. 'nibabel' swaps i and k, or for a 2-D
 * network (`slicewise`) i and j; the slice axis of a 2-D network stays k.
 */
export function inArrayConvention(
  mapping: AxisMapping,
  convention: ArrayConvention,
  slicewise: boolean,
): AxisMapping {
  if (convention === 'itk') return mapping;
  const order = slicewise ? [1, 0, 2] : [2, 1, 0];
  const pick = <T>(values: readonly T[]) => order.map((t) => values[t]) as [T, T, T];
  return {
    axes: pick(mapping.axes),
    flips: pick(mapping.flips),
    dimensions: pick(mapping.dimensions),
    spacing: pick(mapping.spacing),
  };
}
