import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import { Volume } from '@xai-clip/engine';
import { buildReportHtml, sanityRows } from '@xai-clip/report';
import { writeFileAtomic } from '@xai-clip/io';
import { renderOverlayPng } from '../cohort/overlayPng';
import { CaseReport } from './ExplainCommandOptions';

/**
 * Writes the one-page HTML report of one explained image (buildReportHtml) to `file`: the most
 * salient explained slice with its overlay (the overlay renderer's PNG, inlined), report.json's
 * figures (faithfulness and sanity when present) and the model card beside the manifest. Written
 * whole or not at all (writeFileAtomic).
 */
export async function writeHtmlReport(
  file: string,
  content: {
    report: CaseReport;
    /** The request as it ran (shown by name). */
    settings: object;
    volume: Volume;
    saliency: Volume<Float32Array>;
    modelManifest: string;
  },
): Promise<void> {
  const { report } = content;
  const slice = report.overlay.slices[0];
  const { png } = renderOverlayPng(content.volume, content.saliency, [slice]);
  const card = path.join(path.dirname(path.resolve(content.modelManifest)), 'MODEL_CARD.md');
  const html = buildReportHtml({
    report,
    source: report.input,
    settings: { ...content.settings, methodOptions: undefined },
    image: {
      dataUrl: `data:image/png;base64,${png.toString('base64')}`,
      caption: `Slice ${slice} (volume order from 0) with the saliency overlay`,
    },
    // Relative to the report, so that the link works where the report is opened.
    modelCard: existsSync(card) ? path.relative(path.dirname(path.resolve(file)), card) : undefined,
    faithfulness: report.faithfulness,
    sanity: report.sanity && sanityRows(report.sanity),
    createdAt: new Date().toISOString(),
  });
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, html);
}
