import { Code, organCode } from './organCode';
import { rgbToDicomLab } from './rgbToDicomLab';

/** One item of a SEG's SegmentSequence (naturalized dcmjs keywords). */
export interface SegSegment {
  SegmentNumber: number;
  SegmentLabel: string;
  SegmentDescription: string;
  SegmentAlgorithmType: 'AUTOMATIC';
  SegmentAlgorithmName: string;
  SegmentationAlgorithmIdentificationSequence: {
    AlgorithmFamilyCodeSequence: Code;
    AlgorithmName: string;
    AlgorithmVersion: string;
    AlgorithmParameters?: string;
  }[];
  SegmentedPropertyCategoryCodeSequence: Code;
  SegmentedPropertyTypeCodeSequence: Code & { SegmentedPropertyTypeModifierCodeSequence?: Code };
  RecommendedDisplayCIELabValue: [number, number, number];
}

/** Algorithm family of XAI-CLIP (CID 7162 "Surface Processing Algorithm Families"). */
const ARTIFICIAL_INTELLIGENCE: Code = {
  CodeValue: '123110',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Artificial Intelligence',
};

/** A DICOM LO value: at most 64 characters. */
export const lo = (text: string): string => (text.length <= 64 ? text : `${text.slice(0, 61)}...`);

/**
 * One SEG segment made by XAI-CLIP: algorithm AUTOMATIC "XAI-CLIP" with its version (and
 * parameters), the organ's codes (`organCode`) and the display colour as CIELab. Labels and
 * descriptions must be ASCII: dcmjs 0.52, which OHIF reads SEGs with, decodes text inside
 * sequences as Latin-1 whatever the character set (so ">=", never "≥").
 */
export function xaiClipSegment(options: {
  number: number;
  label: string;
  description: string;
  organ: string;
  /** sRGB 0–255 (alpha ignored). */
  color: ArrayLike<number>;
  version: string;
  parameters?: string;
}): SegSegment {
  const codes = organCode(options.organ);
  return {
    SegmentNumber: options.number,
    SegmentLabel: lo(options.label),
    SegmentDescription: options.description,
    SegmentAlgorithmType: 'AUTOMATIC',
    SegmentAlgorithmName: 'XAI-CLIP',
    SegmentationAlgorithmIdentificationSequence: [
      {
        AlgorithmFamilyCodeSequence: ARTIFICIAL_INTELLIGENCE,
        AlgorithmName: 'XAI-CLIP',
        AlgorithmVersion: lo(options.version),
        ...(options.parameters ? { AlgorithmParameters: options.parameters } : {}),
      },
    ],
    SegmentedPropertyCategoryCodeSequence: codes.category,
    SegmentedPropertyTypeCodeSequence: {
      ...codes.type,
      ...(codes.typeModifier ? { SegmentedPropertyTypeModifierCodeSequence: codes.typeModifier } : {}),
    },
    RecommendedDisplayCIELabValue: rgbToDicomLab(options.color),
  };
}
