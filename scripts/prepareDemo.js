#!/usr/bin/env node
/**
 * Writes the dicomjson study manifest OHIF's `dicomjson` data source reads for a DICOM folder:
 * every instance's naturalized header (no pixel data) and the URL it is served at.
 * `dicomJsonManifest(folder, urlPrefix)` → { studies: [...] }.
 */
const fs = require('fs');
const path = require('path');
const dcmjs = require('dcmjs');

// CHAOS headers carry private VRs dcmjs warns about on every file.
dcmjs.log.getLogger('validation.dcmjs').setLevel(5, false);

const DROP = new Set(['PixelData', '_vrMap', '_meta']);

function naturalizedHeader(file) {
  const buffer = fs.readFileSync(file);
  const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const dicom = dcmjs.data.DicomMessage.readFile(arrayBuffer, {
    untilTag: '7FE00010',
    includeUntilTagValue: false,
  });
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dicom.dict);
  const header = {};
  for (const [key, value] of Object.entries(dataset)) {
    if (DROP.has(key) || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) continue;
    header[key] = value;
  }
  header.TransferSyntaxUID = dicom.meta['00020010']?.Value?.[0];
  return header;
}

function dicomJsonManifest(folder, urlPrefix) {
  const files = fs
    .readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .sort();
  const headers = files.map((name) => ({ name, header: naturalizedHeader(path.join(folder, name)) }));
  const first = headers[0].header;
  const series = new Map();
  for (const { name, header } of headers) {
    const uid = header.SeriesInstanceUID;
    if (!series.has(uid)) {
      series.set(uid, {
        SeriesInstanceUID: uid,
        SeriesDescription: header.SeriesDescription ?? '',
        Modality: header.Modality,
        SeriesNumber: header.SeriesNumber ?? 1,
        instances: [],
      });
    }
    series
      .get(uid)
      .instances.push({ metadata: header, url: `dicomweb:${urlPrefix}${encodeURIComponent(name)}` });
  }
  return {
    studies: [
      {
        StudyInstanceUID: first.StudyInstanceUID,
        StudyDescription: first.StudyDescription ?? '',
        StudyDate: first.StudyDate ?? '',
        StudyTime: first.StudyTime ?? '',
        PatientName: first.PatientName ?? '',
        PatientID: first.PatientID ?? '',
        AccessionNumber: first.AccessionNumber ?? '',
        Modalities: [...new Set(headers.map((h) => h.header.Modality))].join('\\'),
        NumInstances: headers.length,
        series: [...series.values()],
      },
    ],
  };
}

module.exports = { dicomJsonManifest };
