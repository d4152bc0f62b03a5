import { METHODS } from '../engine/methods';

/** The panel's drop-down choices: [value, what the user reads]. */

/** The methods of the engine's registry. */
export const METHOD_CHOICES = Object.values(METHODS).map((method) => [method.id, method.label] as const);

/** ROI modes as the panel names them (the select and the result card). */
export const ROI_SOURCES = [
  ['clip', 'CLIP (organ prompt)'],
  ['mask', 'Predicted organ mask'],
  ['none', 'None (whole image)'],
] as const;

/** What a run explains (the organ score sums over it). */
export const TARGETS = [
  ['organ', 'The whole predicted organ'],
  ['piece', 'One piece of it (click it)'],
  ['segment', 'A segment (brush or SEG)'],
] as const;

export const ROI_SHAPES = [
  ['mask', 'Organ region'],
  ['box', 'Bounding box (paper)'],
] as const;

export const SCOPES = [
  ['slice', 'Current slice'],
  ['slab', 'Organ slab'],
  ['volume', 'Whole volume'],
] as const;

/** Slab and volume scopes: which slices are perturbed (the others interpolated). */
export const SLICE_STRIDES = [
  ['auto', 'Auto (about 16 mm apart)'],
  ['1', 'Every slice'],
  ['2', 'Every 2nd slice'],
  ['3', 'Every 3rd slice'],
  ['4', 'Every 4th slice'],
  ['6', 'Every 6th slice'],
] as const;

export const SEG_CONTENTS = [
  ['pmap', 'Parametric Map (continuous)'],
  ['saliency', 'SEG: saliency levels'],
  ['topk', 'SEG: top k % mask'],
  ['organ', 'SEG: predicted organ'],
] as const;

export const SEG_TYPES = [
  ['binary', 'Binary SEG'],
  ['labelmap', 'Label-map SEG'],
] as const;

export const roiName = (source: string) => ROI_SOURCES.find(([value]) => value === source)?.[1] ?? source;
