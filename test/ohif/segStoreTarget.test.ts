import { segStoreTarget } from '../../extension/src/ohif/segStoreTarget';

const PAGE = 'http://localhost:3000/xai-clip/orthanc?StudyInstanceUIDs=1.2';
const manager = (definition?: object) => ({
  getModuleEntry: () => undefined,
  getActiveDataSourceDefinition: () => definition as never,
});

describe('segStoreTarget (where a saved SEG is stored)', () => {
  it('resolves a DICOMweb source to its STOW root (stowRoot, else wadoRoot) on the page origin', () => {
    const dicomweb = '@ohif/extension-default.dataSourcesModule.dicomweb';
    expect(
      segStoreTarget(
        manager({ namespace: dicomweb, sourceName: 'orthanc', configuration: { wadoRoot: '/dicom-web' } }),
        PAGE,
      ),
    ).toEqual({ name: 'orthanc', root: 'http://localhost:3000/dicom-web' });
    expect(
      segStoreTarget(
        manager({
          namespace: dicomweb,
          sourceName: 'pacs',
          configuration: {
            friendlyName: 'Hospital PACS',
            wadoRoot: '/wado-rs',
            stowRoot: 'https://pacs.example/stow',
          },
        }),
        PAGE,
      ),
    ).toEqual({ name: 'Hospital PACS', root: 'https://pacs.example/stow' });
  });

  it.each([
    [
      'the dicomjson demo source',
      {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomjson',
        sourceName: 'dicomjson',
        configuration: { friendlyName: 'XAI-CLIP demo studies' },
      },
      /"XAI-CLIP demo studies" \(dicomjson\) is not a DICOMweb server and cannot store DICOM.*npm run start:pacs/,
    ],
    [
      'local files',
      { namespace: '@ohif/extension-default.dataSourcesModule.dicomlocal', sourceName: 'dicomlocal' },
      /"dicomlocal" \(dicomlocal\) is not a DICOMweb server/,
    ],
    ['no data source', undefined, /No data source is active/],
  ])('says why %s cannot store', (_, definition, reason) => {
    const target = segStoreTarget(manager(definition), PAGE);
    expect(target).not.toHaveProperty('root');
    expect((target as { reason: string }).reason).toMatch(reason);
  });
});
