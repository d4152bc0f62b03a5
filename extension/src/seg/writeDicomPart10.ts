// dcmjs has no type declarations; this is the one member used here.
interface DcmjsWriter {
  data: { datasetToDict(dataset: object): { write(): ArrayBuffer } };
}

/**
 * A naturalized dcmjs dataset as a DICOM Part 10 file (preamble, DICM, file meta with the
 * transfer syntax of the dataset's `_meta`). dcmjs is imported on first use: in the viewer it is
 * a separate chunk that only a save loads, in Node a plain require.
 */
export async function writeDicomPart10(dataset: object): Promise<ArrayBuffer> {
  const dcmjs = (await import('dcmjs')) as DcmjsWriter;
  return dcmjs.data.datasetToDict(dataset).write();
}
