import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { summaryCsv } from '../../cli/src/cohort/summaryCsv';
import { readSummaryCsv } from './readSummaryCsv';

describe('readSummaryCsv', () => {
  it('reads back what summaryCsv writes, quoted commas, quotes and line breaks included', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'xai-clip-csv-')), 'summary.csv');
    const error = 'Scope "slice" needs a slice index, got 3,\nsee --slice';
    writeFileSync(
      file,
      summaryCsv([
        { case: { id: 'image_1', input: '/data/a,b.nii.gz' }, status: 'failed', error },
        { case: { id: 'image_2', input: '/data/image_2.nii.gz' }, status: 'failed', error: 'x' },
      ]),
    );
    const rows = readSummaryCsv(file);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ case: 'image_1', status: 'failed', input: '/data/a,b.nii.gz', error });
    expect(rows[1]).toMatchObject({ case: 'image_2', input: '/data/image_2.nii.gz', error: 'x', organ: '' });
  });
});
