/** A coded concept as DICOM writes it (naturalized dcmjs keywords). */
export interface Code {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

/** The coded meaning of a segmented organ: SegmentedPropertyCategory/Type(/TypeModifier)CodeSequence. */
export interface OrganCode {
  category: Code;
  type: Code;
  /** Laterality for paired organs (CID 244), written as SegmentedPropertyTypeModifierCodeSequence. */
  typeModifier?: Code;
}

/** A SNOMED CT code. */
export const sct = (CodeValue: string, CodeMeaning: string): Code => ({
  CodeValue,
  CodingSchemeDesignator: 'SCT',
  CodeMeaning,
});

// Codes as the DICOM standard lists them (PS3.16, checked against the tables of pydicom 2.3.1):
// CID 7150 "Segmentation Property Categories" holds Anatomical Structure as SCT 123037004 (the
// older SCT 91723000 is only in CID 9501 now); CID 7151 "Segmentation Property Types" holds the
// organs; CID 244 "Laterality" holds Right/Left. The standard has no "right kidney" type: a paired
// organ is Kidney plus a laterality modifier, as dcmqi, Slicer and highdicom write it.
const ANATOMICAL_STRUCTURE = sct('123037004', 'Anatomical Structure');
const RIGHT = sct('24028007', 'Right');
const LEFT = sct('7771000', 'Left');
const TYPES: Record<string, Code> = {
  liver: sct('10200004', 'Liver'),
  kidney: sct('64033007', 'Kidney'),
  spleen: sct('78961009', 'Spleen'),
  pancreas: sct('15776009', 'Pancreas'),
  gallbladder: sct('28231008', 'Gallbladder'),
  stomach: sct('69695003', 'Stomach'),
  aorta: sct('15825003', 'Aorta'),
};
/** CID 7151 "Organ": the type of a class that names no organ we can code (e.g. a test model's "organ"). */
const ORGAN = sct('113343008', 'Organ');

/**
 * The DICOM codes of an organ class name as the models spell it ("liver", "right kidney",
 * "kidney_left", "Spleen", …): category Anatomical Structure, the organ's SNOMED CT type, and
 * for kidneys a Right/Left modifier. Unknown names get the generic type "Organ" (SCT 113343008),
 * so the SEG stays valid; the organ's own name is in each segment's label.
 */
export function organCode(organ: string): OrganCode {
  const words = organ
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);
  const side = words.includes('right') ? RIGHT : words.includes('left') ? LEFT : undefined;
  const name = words.filter((word) => word !== 'right' && word !== 'left').join('');
  const type = TYPES[name] ?? TYPES[name.replace(/s$/, '')];
  if (!type) return { category: ANATOMICAL_STRUCTURE, type: ORGAN };
  return {
    category: ANATOMICAL_STRUCTURE,
    type,
    ...(side && type === TYPES.kidney ? { typeModifier: side } : {}),
  };
}
