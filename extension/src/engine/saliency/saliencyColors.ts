import { infernoColor } from './infernoColor';

/**
 * RGBA colours for `count` visible saliency levels, spread over "inferno"; index 0 is the lowest
 * visible level.
 */
export function saliencyColors(count: number): number[][] {
  return Array.from({ length: count }, (_, n) => [...infernoColor(count === 1 ? 1 : n / (count - 1)), 255]);
}
