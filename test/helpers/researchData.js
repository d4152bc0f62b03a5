/**
 * The research datasets (CHAOS CT with its liver masks, 16 CHAOS MR T2 subjects with labels, the
 * TotalSegmentator examples) live outside the repository, in $XAI_CLIP_DATA or ../shared/data.
 * A suite needs them when it calls dataRoot() (test/helpers/dataRoot.ts), directly or through a
 * helper under test/ that does (chaosLiverTruth(), …). Without the data, `npm test` skips those
 * suites whole and names them; with XAI_CLIP_REQUIRE_DATA=1 (CI) missing data is an error.
 * Used by jest.config.js, jest.e2e.config.js and dataRoot.ts.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Where the research data is looked for. */
function researchDataFolder() {
  return process.env.XAI_CLIP_DATA ?? path.resolve(ROOT, '..', 'shared', 'data');
}

/** Whether the research data is there (its README marks a complete copy). */
function researchDataPresent() {
  return fs.existsSync(path.join(researchDataFolder(), 'README.md'));
}

const HOW_TO_GET =
  'Put the research data (CHAOS CT and MR T2, TotalSegmentator examples; sources in the README, section Data) ' +
  'in ../shared/data beside the checkout, or set XAI_CLIP_DATA to its folder.';

function typeScriptFiles(folder) {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : typeScriptFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

const calls = (names) => new RegExp(`\\b(${[...names].join('|')})\\(`);

/** Source text without its comments (a comment naming dataRoot() reads nothing). */
const code = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '$1');

/**
 * The names of the functions that read the data: dataRoot and every top-level function of a
 * helper under test/ whose body calls one of them (to any depth).
 */
function dataFunctions(helpers) {
  const names = new Set(['dataRoot']);
  const declarations = helpers.flatMap((file) =>
    code(file)
      .split(/^(?=(?:export )?(?:async )?function )/m)
      .map((chunk) => [/^(?:export )?(?:async )?function (\w+)/.exec(chunk)?.[1], chunk]),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, body] of declarations) {
      if (name && !names.has(name) && calls(names).test(body)) grew = names.add(name);
    }
  }
  return names;
}

/** The test files (matching `suffix`) under test/ that need the research data, relative to the root. */
function suitesNeedingData(suffix) {
  const files = typeScriptFiles(path.join(ROOT, 'test'));
  const isSuite = (file) => file.endsWith(suffix);
  const reading = calls(dataFunctions(files.filter((file) => !isSuite(file))));
  return files
    .filter((file) => isSuite(file) && reading.test(code(file)))
    .map((file) => path.relative(ROOT, file))
    .sort();
}

/**
 * `config` as it is with the research data; without it, `config` that skips the suites needing
 * it and reports them (test/helpers/missingDataReporter.js). Throws when XAI_CLIP_REQUIRE_DATA=1.
 */
function withoutMissingData(config, suffix) {
  if (researchDataPresent()) return config;
  if (process.env.XAI_CLIP_REQUIRE_DATA === '1') {
    throw new Error(
      `XAI_CLIP_REQUIRE_DATA=1 but the research data is not at ${researchDataFolder()} (no README.md there). ${HOW_TO_GET}`,
    );
  }
  const skipped = suitesNeedingData(suffix);
  return {
    ...config,
    testPathIgnorePatterns: ['/node_modules/', ...skipped.map((file) => `<rootDir>/${file}$`)],
    reporters: [
      'default',
      [
        '<rootDir>/test/helpers/missingDataReporter.js',
        { skipped, folder: researchDataFolder(), howToGet: HOW_TO_GET },
      ],
    ],
  };
}

module.exports = {
  researchDataFolder,
  researchDataPresent,
  suitesNeedingData,
  withoutMissingData,
  HOW_TO_GET,
};
