import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

interface CodeRead {
  value: string;
  scheme: string;
  meaning: string;
}

/** What readParametricMap.py prints: the map as pydicom reads it. */
export interface ParametricMapRead {
  sopClassUid: string;
  dtype: string;
  shape: number[];
  frames: { source: string; position: number[]; index: number[] }[];
  orientation: number[];
  pixelSpacing: number[];
  mapping: {
    first: number;
    last: number;
    slope: number;
    intercept: number;
    label: string;
    unit: CodeRead;
    quantity: { name: CodeRead; type: string; code?: CodeRead; text?: string }[];
  };
  referencedSeries: string;
  referencedInstances: string[];
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  contentLabel: string;
  seriesDescription: string;
}

/**
 * Reads a Parametric Map back with pydicom (Debian's python3-pydicom), a reader independent of
 * the dcmjs writer: its header as JSON and its float32 frames as pydicom decodes them.
 */
export function readParametricMap(file: string): { read: ParametricMapRead; pixels: Float32Array } {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-pmap-read-'));
  try {
    const pixelsFile = path.join(dir, 'pixels.f32');
    const run = spawnSync(
      '/usr/bin/python3',
      [path.join(__dirname, 'readParametricMap.py'), file, pixelsFile],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (run.status !== 0) {
      throw new Error(
        `pydicom could not read ${file} (install python3-pydicom and python3-numpy): ${run.error?.message ?? run.stderr}`,
      );
    }
    const bytes = readFileSync(pixelsFile);
    const pixels = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    return { read: JSON.parse(run.stdout) as ParametricMapRead, pixels };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
