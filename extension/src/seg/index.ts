/** DICOM SEG and Parametric Map: segments, encodings, parameters, Part 10 writing and STOW-RS; shared by the viewer and the CLI. */
export * from './buildSaliencyParametricMap';
export * from './completeSaliencySeg';
export * from './descendingAlongNormal';
export * from './organCode';
export * from './organMaskSegments';
export * from './rgbToDicomLab';
export * from './saliencySegments';
export * from './segEncodings';
export * from './segParameters';
export * from './seriesGrid';
export * from './sourceStudyKeys';
export * from './storeToDicomWeb';
export * from './topPercentSegments';
export * from './writeDicomPart10';
export * from './xaiClipSegment';
