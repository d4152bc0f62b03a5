/**
 * What an explanation explained: the organ's score over the model's predicted organ, over one
 * connected component of that prediction (`index` of `of`, largest first), or over a given region.
 * `voxels` and `ml`: the region on the explained slices.
 */
export type ExplainedTarget =
  | { kind: 'organ' }
  | { kind: 'component'; index: number; of: number; voxels: number; ml: number }
  | { kind: 'region'; label: string; voxels: number; ml: number };
