import { SanityReport } from '../engine/sanity/SanityReport';
import { AnalysisRow } from './ReportContent';

const r = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2));

/**
 * The sanity checks as rows (a report's section, the CLI's lines, the panel's table): each check's
 * name, verdict, its figures in a few words and its sentence.
 */
export function sanityRows(sanity: SanityReport): AnalysisRow[] {
  const { parameterRandomisation: randomisation, inputIndependence, repeatStability } = sanity;
  return [
    ...(randomisation
      ? [
          {
            name: 'Parameter randomisation',
            status: randomisation.status,
            figures:
              `rank r per step (top layers first): ${randomisation.figures.steps.map((s) => r(s.spearman)).join(', ')}` +
              `; passes below ${randomisation.figures.threshold}`,
            summary: randomisation.summary,
          },
        ]
      : []),
    {
      name: 'Input independence',
      status: inputIndependence.status,
      figures: `max |saliency| ${inputIndependence.figures.maxAbsSaliency.toPrecision(2)}`,
      summary: inputIndependence.summary,
    },
    {
      name: 'Repeat stability',
      status: repeatStability.status,
      figures:
        `mean r ${r(repeatStability.figures.meanPearson)} over seeds ${repeatStability.figures.seeds.join(', ')}` +
        `; passes from ${repeatStability.figures.threshold}`,
      summary: repeatStability.summary,
    },
  ];
}
