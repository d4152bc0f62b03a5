import * as fs from 'fs';
import * as path from 'path';

/**
 * The localiser's subject-level cross-validation (models/chaos-clip/cross_validation.json, written by
 * models/train/cross_validate_clip.sh): its folds are a partition of the MR subjects, fold 1 is the
 * shipped split, its pooled rows agree with their folds, and the model card and README quote it.
 */
const folder = path.resolve(__dirname, '..', '..', 'models', 'chaos-clip');
const read = (file: string) => fs.readFileSync(file, 'utf8');
const cv = JSON.parse(read(path.join(folder, 'cross_validation.json')));
const split = JSON.parse(read(path.join(folder, 'split.json'))).sources['chaos-mr-t2'];
const card = read(path.join(folder, 'MODEL_CARD.md'));
const readme = read(path.resolve(folder, '..', '..', 'README.md'));

interface Row {
  slices: number;
  coverage: number;
  area: number;
  coverageInterval95: [number, number];
  perFold: Record<string, { slices: number; coverage: number }>;
  perSubjectCoverage: Record<string, number>;
  perSubjectSlices: Record<string, number>;
}

/** A row's mean coverage over its slices without one subject's. */
function withoutSubject(row: Row, subject: number): number {
  const n = row.perSubjectSlices[subject];
  return (row.coverage * row.slices - row.perSubjectCoverage[subject] * n) / (row.slices - n);
}
const mrRows = (margin: string): [string, Row][] =>
  Object.entries(cv.margins[margin] as Record<string, Row>).filter(([group]) => group.startsWith('MR '));

describe('CLIP localiser cross-validation', () => {
  it('holds out every MR subject exactly once, fold 1 being the shipped split', () => {
    const heldOut: number[] = cv.folds.flatMap((fold: { heldOutMR: number[] }) => fold.heldOutMR);
    expect([...heldOut].sort((a, b) => a - b)).toEqual(
      [...split.train, ...split.heldOut].sort((a: number, b: number) => a - b),
    );
    expect(cv.folds[0].heldOutMR).toEqual(split.heldOut);
  });

  it.each(['0mm', '10mm'])('pools its folds and subjects into each organ row (margin %s)', (margin) => {
    for (const [, row] of mrRows(margin)) {
      const folds = Object.values(row.perFold);
      expect(folds.reduce((sum, fold) => sum + fold.slices, 0)).toBe(row.slices);
      const pooled = folds.reduce((sum, fold) => sum + fold.coverage * fold.slices, 0) / row.slices;
      expect(pooled).toBeCloseTo(row.coverage, 3);
      const [low, high] = row.coverageInterval95;
      expect(low).toBeLessThanOrEqual(row.coverage);
      expect(high).toBeGreaterThanOrEqual(row.coverage);
      // The subjects scored are the 16 (each organ shows on every subject).
      expect(Object.keys(row.perSubjectCoverage)).toHaveLength(cv.folds.length * 4);
    }
  });

  it('meets the kidneys’ coverage target (≥ 0.95) at margin 0 and at the request default of 10 mm', () => {
    for (const margin of ['0mm', '10mm'])
      for (const organ of ['MR right_kidney', 'MR left_kidney'])
        expect(cv.margins[margin][organ].coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('meets the coverage target for every organ at 10 mm, and misses it at 0 mm only through subject 15', () => {
    for (const [, row] of mrRows('10mm')) expect(row.coverage).toBeGreaterThanOrEqual(0.95);
    for (const organ of ['MR liver', 'MR spleen']) {
      const row = cv.margins['0mm'][organ];
      expect(row.coverage).toBeLessThan(0.95);
      expect(withoutSubject(row, 15)).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('is quoted as measured by the model card and the README', () => {
    const fixed = (value: number) => value.toFixed(3);
    for (const margin of ['0mm', '10mm'])
      for (const [, row] of mrRows(margin)) {
        const [low, high] = row.coverageInterval95;
        // Bold where the target is met.
        expect(card).toMatch(
          new RegExp(`${fixed(row.coverage)}(\\*\\*)? \\[${fixed(low)}, ${fixed(high)}\\]`),
        );
      }
    const kidney = cv.margins['0mm']['MR left_kidney'];
    expect(readme).toContain(`${fixed(kidney.coverage)} [${fixed(kidney.coverageInterval95[0])}`);
    // Subject 15's liver and spleen, and the two without it.
    const [liver, spleen] = ['MR liver', 'MR spleen'].map((organ) => cv.margins['0mm'][organ]);
    const two = (value: number) => value.toFixed(2);
    for (const text of [card, readme]) {
      expect(text).toContain(
        `${two(liver.perSubjectCoverage['15'])} and ${two(spleen.perSubjectCoverage['15'])}`,
      );
      expect(text).toContain(`${fixed(withoutSubject(liver, 15))} and ${fixed(withoutSubject(spleen, 15))}`);
    }
  });
});
