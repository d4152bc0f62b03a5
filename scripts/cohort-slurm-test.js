#!/usr/bin/env node
/**
 * `npm run cohort:slurm-test` (CI runs it after the main tests): a cohort of CHAOS MR cases as a
 * Slurm array job on a single-node cluster started in a temporary folder, one task killed and
 * requeued, the merge checked against a single-process run (test/slurm/runCohortOnSlurm.ts).
 * Needs root, the built CLI and Debian's slurmctld, slurmd, slurm-client and munge; installs
 * nothing. Exits 1 on a failed check.
 */
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
require('./registerTypeScript')(ROOT);
const { runCohortOnSlurm } = require('../test/slurm/runCohortOnSlurm.ts');

const started = Date.now();
runCohortOnSlurm((line) => console.log(line)).then(
  () => console.log(`cohort:slurm-test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`),
  (error) => {
    console.error(`cohort:slurm-test failed after ${((Date.now() - started) / 1000).toFixed(1)} s:`, error);
    process.exit(1);
  },
);
