/** Patient and General Study fields a derived object (SEG, Parametric Map) copies from its source series. */
export const SOURCE_STUDY_KEYS = [
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'PatientAge',
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'StudyID',
  'AccessionNumber',
  'ReferringPhysicianName',
  'StudyDescription',
];
