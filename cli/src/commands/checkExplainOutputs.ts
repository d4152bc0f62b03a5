import { checkOutputPath } from '../outputs/checkOutputPath';
import type { ExplainCommandOptions } from './ExplainCommandOptions';

/** `explain`'s output options, checked before the model loads (see checkOutputPath). */
export function checkExplainOutputs(options: ExplainCommandOptions): void {
  checkOutputPath('--out', options.out, 'folder');
  if (options.seg) checkOutputPath('--seg', options.seg, 'file');
  if (options.pmap) checkOutputPath('--pmap', options.pmap, 'file');
  if (options.report) checkOutputPath('--report', options.report, 'file');
}
