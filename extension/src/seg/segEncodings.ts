/** SOP class of a binary SEG: one bit-packed frame per segment and slice (read by every SEG reader). */
export const BINARY_SEG = '1.2.840.10008.5.1.4.1.1.66.4';
/** SOP class of a label-map SEG: one 8-bit frame per slice, pixel value = segment number. */
export const LABELMAP_SEG = '1.2.840.10008.5.1.4.1.1.66.7';
/** The transfer syntax every XAI-CLIP SEG is written in (uncompressed, so any receiver can read it). */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** The SOP class of a SEG encoding as the panel and the CLI name it. */
export function segSopClass(type: 'binary' | 'labelmap'): string {
  return type === 'labelmap' ? LABELMAP_SEG : BINARY_SEG;
}
