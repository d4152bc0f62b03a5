import { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import { ExplanationReport } from '../runtime/reportOf';

/** One row of an analysis the report shows without knowing it (e.g. the sanity checks). */
export interface AnalysisRow {
  name: string;
  /** E.g. "pass", "fail", "skipped". */
  status: string;
  /** Its numbers by name, or a sentence. */
  figures?: Record<string, number | string | boolean | null> | string;
  summary?: string;
}

/** What a one-page report of one explanation shows; the host supplies the picture and the paths. */
export interface ReportContent {
  report: ExplanationReport;
  /** Where the explained image came from (a file, or the viewer's series). */
  source: string;
  /** The request as it ran (its settings, each shown by name). */
  settings: object;
  /** The explained slice with the saliency overlay, as a PNG data URL. */
  image?: { dataUrl: string; caption: string };
  /** The model card: a URL or a path, shown as a link. */
  modelCard?: string;
  faithfulness?: FaithfulnessReport;
  /** Sanity checks, when run. */
  sanity?: AnalysisRow[];
  /** When the report was made (ISO 8601). */
  createdAt: string;
}
