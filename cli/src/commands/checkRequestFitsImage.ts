import { Volume } from '@xai-clip/engine';
import { ResolvedRequest } from '@xai-clip/runtime';

/**
 * Refuses, before the explanation starts, lengths and indices the image cannot hold: a --slice
 * past its last slice (in the CLI's order from 0 and the viewer's images from 1), an occlusion
 * window wider than the image, and a stride below the in-plane voxel size (refused, not clamped: it
 * would only repeat the same windows many times over). Such values otherwise run for minutes or
 * write broken maps. (A margin past the image is clamped instead: see clampMarginToImage.)
 */
export function checkRequestFitsImage(request: ResolvedRequest, image: Volume, input: string): void {
  const [columns, rows, slices] = image.dimensions;
  const [sx, sy] = image.spacing;
  if (request.slice !== undefined && request.slice >= slices) {
    throw new Error(
      `--slice ${request.slice} is outside ${input}: it has ${slices} slice(s), --slice 0 to ${slices - 1} ` +
        `(the viewer's images 1 to ${slices}).`,
    );
  }
  const widest = Math.max(columns * sx, rows * sy);
  const mm = (value: number) => `${Number(value.toPrecision(4))} mm`;
  if (request.windowMm !== undefined && request.windowMm > widest) {
    throw new Error(
      `--window-mm ${request.windowMm} is wider than the image (${mm(columns * sx)} × ${mm(rows * sy)}). ` +
        `Give a window of at most ${mm(widest)}; the default is 20.`,
    );
  }
  const finest = Math.min(sx, sy);
  if (request.strideMm !== undefined && request.strideMm < finest) {
    throw new Error(
      `--stride-mm ${request.strideMm} is below the image's in-plane voxel size (${mm(finest)}), so windows would ` +
        `repeat the same voxels. Give a stride of at least ${mm(finest)} (the default is half the window).`,
    );
  }
}
