import { saliencyColors } from '../../../extension/src/ohif/saliencyColors';
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

/** DICOM LO values hold at most 64 characters. */
const lo = (text: string) => (text.length <= 64 ? text : `${text.slice(0, 61)}...`);

/**
 * The SEG segments of a binned saliency map, one per visible level (label n = SegmentNumber n,
 * as `binSaliency` numbers them): label "XAI-CLIP <method> <organ> >= <lower edge>" (the viewer's
 * overlay names, with ">=" for "≥": dcmjs 0.52, which OHIF reads SEGs with, decodes text inside
 * sequences as Latin-1 whatever the character set, so labels stay ASCII), a description with the
 * level and threshold, algorithm AUTOMATIC "XAI-CLIP" with its version, the organ's codes (see
 * `organCode`) and the level's colour.
 * Pure: the viewer can use it to rewrite the SegmentSequence of a SEG that OHIF generated.
 */
export function saliencySegments(options: {
  method: string;
  organ: string;
  /** Lower edge of each visible level as a fraction of the maximum (`binSaliency().lowerEdges`). */
  lowerEdges: number[];
  /** XAI-CLIP's version, written as AlgorithmVersion. */
  version: string;
  /** Free text (e.g. model and method settings), written as AlgorithmParameters. */
  parameters?: string;
}): SegSegment[] {
  const { method, organ, lowerEdges } = options;
  const codes = organCode(organ);
  const colors = saliencyColors(lowerEdges.length);
  return lowerEdges.map((lowerEdge, n) => {
    const upper = n + 1 < lowerEdges.length ? `below ${lowerEdges[n + 1].toFixed(2)}` : 'up to 1';
    return {
      SegmentNumber: n + 1,
      SegmentLabel: lo(`XAI-CLIP ${method} ${organ} >= ${lowerEdge.toFixed(2)}`),
      SegmentDescription:
        `${method} saliency of ${organ}, level ${n + 1} of ${lowerEdges.length}: ` +
        `saliency from ${lowerEdge.toFixed(2)} ${upper} of its maximum`,
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
      RecommendedDisplayCIELabValue: rgbToDicomLab(colors[n]),
    };
  });
}
