import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { writeNifti } from '../../../cli/src/io/writeNifti';
import { loadModelFile } from '../../../cli/src/io/loadModelFile';
import { reportOf } from '../../../extension/src/runtime/reportOf';
import { runExplanation } from '../../../extension/src/runtime/runExplanation';
import { segParameters } from '../../../extension/src/seg/segParameters';
import { fixture, plantedSlice } from '../../helpers/plantedImage';
import { runCli } from '../../helpers/runCli';

/**
 * RISE's grid size, declared once in the registry (methods/rise.ts), reaches the run, the report
 * and the SEG parameters from a request, and the CLI's --method-option; the panel's field and the
 * bench's --method-option come from the same declaration (test/ohif/declaredParameters,
 * test/bench/bench).
 */
/** Mean |difference| of horizontal neighbours over the map's range. */
function roughness(map: Float32Array): number {
  let sum = 0;
  for (let v = 1; v < map.length; v++) if (v % 64 !== 0) sum += Math.abs(map[v] - map[v - 1]);
  return sum / (Math.max(...map) - Math.min(...map));
}

describe('RISE grid size as a declared parameter', () => {
  const request = {
    organ: 'organ',
    method: 'rise' as const,
    roi: 'none' as const,
    scope: 'slice' as const,
    slice: 0,
    samples: 32,
    fill: 0,
  };

  it('changes the masks the run uses and is recorded in the report and the SEG parameters', async () => {
    const loaded = await loadModelFile(fixture('planted2d.manifest.json'));
    const fine = await runExplanation(loaded, plantedSlice(), request);
    const coarse = await runExplanation(loaded, plantedSlice(), {
      ...request,
      methodOptions: { gridSize: 2 },
    });
    // 2 cells across 64 voxels: each mask is smooth over half the image, so the map (their
    // score-weighted sum) changes less from voxel to voxel, relative to its range, than with 8.
    expect(roughness(coarse.result.saliency.data)).toBeLessThan(roughness(fine.result.saliency.data));
    const report = reportOf(coarse, loaded, [64, 64, 1]);
    expect(report.methodOptions).toMatchObject({ gridSize: 2, masks: 32 });
    expect(JSON.parse(segParameters(report))).toMatchObject({ gridSize: 2 });
    expect(reportOf(fine, loaded, [64, 64, 1]).methodOptions).toMatchObject({ gridSize: 8 });
    await loaded.dispose();
  });

  it('is set from the CLI by name and recorded in report.json; refused outside its range', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-rise-'));
    const image = path.join(dir, 'planted.nii.gz');
    writeNifti(image, plantedSlice());
    const args = [
      'explain',
      '--model',
      fixture('planted2d.manifest.json'),
      '--input',
      image,
      '--organ',
      'organ',
    ];
    const rest = [
      '--method',
      'rise',
      '--roi',
      'none',
      '--samples',
      '16',
      '--fill',
      '0',
      '--json',
      '--out',
      dir,
    ];
    const ran = await runCli(...args, ...rest, '--method-option', 'gridSize=4');
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout).methodOptions).toMatchObject({ gridSize: 4, masks: 16 });
    const help = await runCli('explain', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('rise: gridSize (integer, default 8)');
    const refused = await runCli(...args, ...rest, '--method-option', 'gridSize=1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/RISE gridSize must be between 2 and 64, got 1/);
  });
});
