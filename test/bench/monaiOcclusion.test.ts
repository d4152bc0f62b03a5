import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * scripts/bench/monai_occlusion.py (`npm run bench:monai`) compares the CLI with MONAI's
 * OcclusionSensitivity; MONAI is no dependency and cannot be installed here, so without a MONAI
 * source tree the script must say how to get one and stop before any work, exit 2.
 */
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'bench', 'monai_occlusion.py');

test('without MONAI the comparison says where to get it and exits 2', () => {
  const run = spawnSync('/usr/bin/python3', [SCRIPT, '--monai-src', '/nonexistent-monai'], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: '' },
  });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/MONAI is not importable .*--monai-src.*git clone --branch 1\.3\.2/s);
});
