import { Interval } from './bootstrapInterval';

export type Verdict = 'win' | 'tie' | 'loss';

/**
 * Win, tie or loss by a difference's 95 % interval alone: a win only when the whole interval lies
 * on the better side of 0, a loss when it lies on the worse side, else a tie (the data do not tell).
 */
export function verdictOf(interval: Interval, higherIsBetter: boolean): Verdict {
  const [better, worse] = higherIsBetter
    ? [interval.low > 0, interval.high < 0]
    : [interval.high < 0, interval.low > 0];
  return better ? 'win' : worse ? 'loss' : 'tie';
}
