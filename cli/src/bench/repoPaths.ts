import * as fs from 'fs';
import * as path from 'path';

/** The project folder: the nearest folder above this file whose package.json is xai-clip's. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'xai-clip')
          return dir;
      } catch {
        // not ours; keep looking
      }
    }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

/** The real-data folder: $XAI_CLIP_DATA, or ../shared/data beside the project folder. */
export function defaultDataRoot(): string {
  return process.env.XAI_CLIP_DATA ?? path.resolve(repoRoot(), '..', 'shared', 'data');
}

/** The bundled trained models (issue 3). */
export const BUNDLED_MODELS = {
  ct: () => path.join(repoRoot(), 'models', 'chaos-ct-segformer', 'manifest.json'),
  mr: () => path.join(repoRoot(), 'models', 'chaos-mr-t2-segformer', 'manifest.json'),
};
