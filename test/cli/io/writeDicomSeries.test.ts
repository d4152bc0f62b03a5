import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { voxelToWorld } from '../../../extension/src/engine/volume/volumeUtils';
import { readDicomSeries } from '../../../cli/src/io/readDicomSeries';
import { readNifti } from '../../../cli/src/io/readNifti';
import { writeDicomSeries } from '../../../cli/src/io/writeDicomSeries';
import { dataRoot } from '../../helpers/dataRoot';

it('converts a CHAOS MR NIfTI into a DICOM series with the same voxels at the same patient positions', async () => {
  const nifti = await readNifti(path.join(dataRoot(), 'chaos-mr-t2', 'image_2.nii.gz'));
  const folder = mkdtempSync(path.join(tmpdir(), 'xai-clip-dicom-'));
  const options = {
    modality: 'MR' as const,
    patientName: 'CHAOS^MR_T2_2',
    patientId: 'CHAOS-MR-2',
    studyDescription: 'CHAOS MR T2-SPIR',
    seriesDescription: 'T2-SPIR',
    uidSeed: 'chaos-mr-2',
  };
  const { files, studyInstanceUid } = writeDicomSeries(folder, nifti, options);
  expect(files).toHaveLength(nifti.dimensions[2]);
  expect(writeDicomSeries(folder, nifti, options).studyInstanceUid).toBe(studyInstanceUid);
  const dicom = await readDicomSeries(folder);
  expect(dicom.meta).toMatchObject({
    Modality: 'MR',
    PatientID: 'CHAOS-MR-2',
    StudyInstanceUID: studyInstanceUid,
  });
  expect(dicom.dimensions).toEqual(nifti.dimensions);
  dicom.spacing.forEach((s, a) => expect(s).toBeCloseTo(nifti.spacing[a], 4));
  const [nx, ny, nz] = nifti.dimensions;
  const plane = nx * ny;
  for (let k = 0; k < nz; k++) {
    const position = voxelToWorld(dicom, 0, 0, k);
    const source = Array.from({ length: nz }, (_, s) => s).find((s) =>
      voxelToWorld(nifti, 0, 0, s).every((x, a) => Math.abs(x - position[a]) < 1e-3),
    );
    expect(source).toBeDefined();
    for (let v = 0; v < plane; v += 97)
      expect(dicom.data[k * plane + v]).toBe(Math.round(nifti.data[source! * plane + v]));
  }
});
