import { ChildProcess, spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { storeToDicomWeb } from '../../extension/src/seg/storeToDicomWeb';
import { dataRoot } from '../helpers/dataRoot';
import { runCli as cli } from '../helpers/runCli';

/** scripts/pacs.js (plain CommonJS). */
interface Orthanc {
  url: string;
  dicomWebRoot: string;
  pid: number;
  stop(): Promise<void>;
}
interface Pacs {
  startOrthanc(options: { port: number; storage?: string }): Promise<Orthanc>;
  uploadFolder(server: Orthanc | string, folder: string): Promise<{ uploaded: number; studies: string[] }>;
  stop(): Promise<void>;
  freePort(): Promise<number>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pacs = require('../../scripts/pacs.js') as Pacs;

const root = path.join(__dirname, '..', '..');
const CHAOS_CT = path.join(dataRoot(), 'chaos-ct', 'dicom');
type Json = Record<string, { Value?: unknown[] }>;

describe('storing SEGs in a real Orthanc (DICOMweb STOW-RS)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-stow-'));
  let orthanc: Orthanc;
  let study: string;
  let series: string;
  let binary: Buffer;
  let labelmap: Buffer;

  /** The series of the study as QIDO-RS lists them: uid → modality. */
  const qidoSeries = async () => {
    const response = await fetch(`${orthanc.dicomWebRoot}/studies/${study}/series`);
    const list = (await response.json()) as Json[];
    return new Map(
      list.map((item) => [String(item['0020000E'].Value?.[0]), String(item['00080060'].Value?.[0])]),
    );
  };

  // The SEGs come from the CLI (explain --seg on the CHAOS CT with the planted model), so that this
  // suite does not load @cornerstonejs/adapters into jest (slow) and tests what users run.
  const explainArgs = (out: string, ...more: string[]) => [
    'explain',
    '--model',
    path.join(root, 'test', 'fixtures', 'models', 'planted2d.manifest.json'),
    '--input',
    CHAOS_CT,
    '--organ',
    'organ',
    '--roi',
    'none',
    '--scope',
    'slice',
    '--slice',
    '40',
    '--window-mm',
    '80',
    '--stride-mm',
    '80',
    '--out',
    out,
    ...more,
  ];

  beforeAll(async () => {
    const segs = Promise.all(
      (['binary', 'labelmap'] as const).map(async (type) => {
        const out = path.join(dir, type);
        const result = await cli(...explainArgs(out, '--seg', path.join(out, 'seg.dcm'), '--seg-type', type));
        if (result.code !== 0) throw new Error(`explain --seg failed: ${result.stderr}`);
        return {
          bytes: readFileSync(path.join(out, 'seg.dcm')),
          report: JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')),
        };
      }),
    );
    orthanc = await pacs.startOrthanc({ port: await pacs.freePort() });
    const uploaded = await pacs.uploadFolder(orthanc, CHAOS_CT);
    expect(uploaded).toMatchObject({ uploaded: 78, studies: [expect.any(String)] });
    const [b, l] = await segs;
    binary = b.bytes;
    labelmap = l.bytes;
    study = b.report.seg.studyInstanceUid;
    series = b.report.seg.referencedSeriesInstanceUid;
  }, 120000); // two CLI runs and an upload; slow on a loaded machine
  afterAll(async () => {
    await pacs.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a binary and a label-map SEG next to their CT series; QIDO lists both in the study', async () => {
    const stored = await storeToDicomWeb(orthanc.dicomWebRoot, binary, {
      referencedSeries: { StudyInstanceUID: study, SeriesInstanceUID: series },
    });
    expect(stored.status).toBe(200);
    expect(stored.retrieveUrl).toMatch(
      new RegExp(`/dicom-web/studies/${study}/series/[0-9.]+/instances/[0-9.]+$`),
    );
    await storeToDicomWeb(`${orthanc.dicomWebRoot}/`, new Uint8Array(labelmap));

    const listed = await qidoSeries();
    expect(listed.get(series)).toBe('CT');
    expect([...listed.values()].filter((modality) => modality === 'SEG')).toHaveLength(2);
    // WADO-RS metadata of the stored SEGs: SOP classes and the segment labels as written.
    const instances = (await (
      await fetch(`${orthanc.dicomWebRoot}/studies/${study}/instances?Modality=SEG`)
    ).json()) as Json[];
    expect(instances.map((item) => item['00080016'].Value?.[0]).sort()).toEqual(
      ['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7'].sort(),
    );
    const segSeries = String(instances[0]['0020000E'].Value?.[0]);
    const metadata = (await (
      await fetch(`${orthanc.dicomWebRoot}/studies/${study}/series/${segSeries}/metadata`)
    ).json()) as Json[];
    const segments = metadata[0]['00620002'].Value as Json[];
    expect(segments.map((segment) => segment['00620005'].Value?.[0])).toContain(
      'XAI-CLIP occlusion organ >= 0.83',
    );
  });

  it('says clearly when the PACS is down, the route is wrong, the instance is refused or the source series is missing', async () => {
    const down = `http://127.0.0.1:${await pacs.freePort()}/dicom-web`;
    await expect(storeToDicomWeb(down, binary)).rejects.toThrow(
      `Cannot reach the DICOMweb server at ${down} (connection refused). Check that the PACS is running`,
    );
    await expect(storeToDicomWeb(`${orthanc.url}/not-dicom-web`, binary)).rejects.toThrow(
      /rejected the SEG: HTTP 404 Not Found from .*\/not-dicom-web\/studies\. Check that the URL is the DICOMweb root/,
    );
    await expect(storeToDicomWeb(orthanc.dicomWebRoot, new Uint8Array(600))).rejects.toThrow(
      /rejected the SEG: HTTP 400 Bad Request .* Server said: /,
    );
    await expect(storeToDicomWeb('localhost:8042/dicom-web', binary)).rejects.toThrow(
      /is not a DICOMweb root URL/,
    );

    const before = (await qidoSeries()).size;
    await expect(
      storeToDicomWeb(orthanc.dicomWebRoot, binary, {
        referencedSeries: { StudyInstanceUID: study, SeriesInstanceUID: '1.2.3.4.5' },
      }),
    ).rejects.toThrow(`does not hold the source series 1.2.3.4.5 (study ${study})`);
    expect((await qidoSeries()).size).toBe(before);
  });

  it('explain --seg/--pmap --stow stores the SEG and the Parametric Map; with the PACS down it keeps the files and report and says so', async () => {
    const before = await qidoSeries();
    const out = path.join(dir, 'stored');
    const both = path.join(dir, 'stored-both');
    const down = `http://127.0.0.1:${await pacs.freePort()}/dicom-web`;
    const lost = path.join(dir, 'pacs-down');
    const [ok, okBoth, failed] = await Promise.all([
      cli(...explainArgs(out, '--stow', orthanc.dicomWebRoot, '--json')),
      cli(
        ...explainArgs(
          both,
          '--seg',
          path.join(both, 'seg.dcm'),
          '--pmap',
          path.join(both, 'pmap.dcm'),
          '--stow',
          orthanc.dicomWebRoot,
          '--json',
        ),
      ),
      cli(
        ...explainArgs(
          lost,
          '--seg',
          path.join(lost, 'seg.dcm'),
          '--pmap',
          path.join(lost, 'pmap.dcm'),
          '--stow',
          down,
        ),
      ),
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.seg).toMatchObject({ path: path.join(out, 'saliency.seg.dcm'), stow: { stored: true } });
    expect(okBoth.stderr).toBe('');
    expect(okBoth.code).toBe(0);
    const reportBoth = JSON.parse(readFileSync(path.join(both, 'report.json'), 'utf8'));
    expect(reportBoth.seg.stow).toMatchObject({ stored: true });
    expect(reportBoth.pmap.stow).toMatchObject({ stored: true });
    const after = await qidoSeries();
    expect(after.size).toBe(before.size + 3);
    expect(after.get(report.seg.seriesInstanceUid)).toBe('SEG');
    expect(after.get(reportBoth.seg.seriesInstanceUid)).toBe('SEG');
    expect(after.get(reportBoth.pmap.seriesInstanceUid)).toBe('OT');
    // The stored map is the written file, byte for byte (WADO-RS).
    const wado = await fetch(
      `${orthanc.dicomWebRoot}/studies/${study}/series/${reportBoth.pmap.seriesInstanceUid}/instances/${reportBoth.pmap.sopInstanceUid}`,
      { headers: { Accept: 'multipart/related; type="application/dicom"' } },
    );
    const body = Buffer.from(await wado.arrayBuffer());
    const written = readFileSync(path.join(both, 'pmap.dcm'));
    expect(body.includes(written.subarray(132, 4096))).toBe(true);

    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Cannot reach the DICOMweb server at ${down} (connection refused).`);
    expect(failed.stderr).toContain(`Storing the SEG failed: `);
    expect(failed.stderr).toContain(`The file is saved at ${path.join(lost, 'seg.dcm')}`);
    expect(failed.stderr).toContain(`Storing the Parametric Map failed: `);
    expect(failed.stderr).toContain(`The file is saved at ${path.join(lost, 'pmap.dcm')}`);
    expect(existsSync(path.join(lost, 'seg.dcm'))).toBe(true);
    expect(existsSync(path.join(lost, 'pmap.dcm'))).toBe(true);
    const kept = JSON.parse(readFileSync(path.join(lost, 'report.json'), 'utf8'));
    for (const object of [kept.seg, kept.pmap]) {
      expect(object.stow).toMatchObject({
        root: down,
        stored: false,
        error: expect.stringContaining('connection refused'),
      });
    }
  }, 120000);

  it('node scripts/pacs.js --port --load serves the loaded series and stops Orthanc on SIGTERM', async () => {
    const port = await pacs.freePort();
    const storage = path.join(dir, 'orthanc');
    const child: ChildProcess = spawn(
      'node',
      ['scripts/pacs.js', '--port', String(port), '--storage', storage, '--load', CHAOS_CT],
      {
        cwd: root,
      },
    );
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ctrl-C stops it.')) resolve();
      });
      child.once('exit', () => reject(new Error(`pacs.js exited early: ${output}`)));
    });
    expect(output).toContain(
      `Orthanc on http://127.0.0.1:${port} (DICOMweb http://127.0.0.1:${port}/dicom-web)`,
    );
    expect(output).toMatch(/Loaded .*chaos-ct\/dicom: 78 new, 0 already stored, 1 study/);
    const studies = (await (await fetch(`http://127.0.0.1:${port}/dicom-web/studies`)).json()) as Json[];
    expect(studies.map((item) => item['0020000D'].Value?.[0])).toEqual([study]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/system`)).rejects.toThrow();
    expect(existsSync(path.join(storage, 'orthanc.json'))).toBe(true);
  });
});
