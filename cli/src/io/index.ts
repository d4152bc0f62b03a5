/** Node file I/O: DICOM series, NIfTI and PNG mask folders in, NIfTI and DICOM out, model and split files; shared by the CLI and training. */
export * from './loadModelFile';
export * from './modelSplit';
export * from './readDicomSeries';
export * from './readNifti';
export * from './readPngMaskFolder';
export * from './readVolume';
export * from './writeDicomSeries';
export * from './writeNifti';
export * from './VolumeReadError';
export * from './checkMemoryEstimate';
export * from './checkVoxelSize';
export * from './writeFileAtomic';
