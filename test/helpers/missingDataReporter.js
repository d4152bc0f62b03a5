/**
 * Jest reporter that names the suites skipped because the research data is absent
 * (test/helpers/researchData.js), before the run and again at its end, where the summary is read.
 */
class MissingDataReporter {
  constructor(_globalConfig, { skipped, folder, howToGet }) {
    this.lines = [
      `Research data not found at ${folder}: ${skipped.length} suite(s) that need it were skipped:`,
      ...skipped.map((file) => `  skipped (needs research data): ${file}`),
      howToGet,
    ];
  }

  onRunStart() {
    process.stderr.write(`${this.lines[0]} (listed at the end)\n`);
  }

  onRunComplete() {
    process.stderr.write(`\n${this.lines.join('\n')}\n`);
  }
}

module.exports = MissingDataReporter;
