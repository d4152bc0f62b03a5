import { groupBy } from './aggregate';
import { round } from './numbers';
import { SanityRow, SanityUnit } from './schema';
import { bootstrapInterval, Interval } from './stats/bootstrapInterval';

/** The sanity maps per dataset, organ and map, over their slices: means with bootstrap 95 % intervals. */
export function sanityRowsOf(units: SanityUnit[], seed: number): SanityRow[] {
  const interval = (values: number[]): Interval => {
    const { mean, low, high } = bootstrapInterval(values, seed);
    return { mean: round(mean, 4), low: round(low, 4), high: round(high, 4) };
  };
  return groupBy(units, (u) => [u.dataset, u.organ, u.map].join('\n')).map((group) => ({
    dataset: group[0].dataset,
    organ: group[0].organ,
    map: group[0].map,
    slices: group.length,
    deletionAuc: interval(group.map((u) => u.deletionAuc)),
    insertionAuc: interval(group.map((u) => u.insertionAuc)),
    insertionStart: round(group.reduce((sum, u) => sum + u.insertionStart, 0) / group.length, 4),
  }));
}
