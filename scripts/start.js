#!/usr/bin/env node
/**
 * `npm start`: OHIF 3.13.2 with the XAI-CLIP extension and mode and the demo studies.
 *
 * 1. Gets the published OHIF app (`npm pack @ohif/app@3.13.2`, cached in .cache/ohif).
 * 2. Builds the extension and mode (webpack) unless --no-build.
 * 3. Makes app-config.js (our extension, mode, the dicomjson data source, window.config.xaiClip;
 *    with a PACS, its DICOMweb source as the default), served from memory.
 * 4. Prepares the demo studies that ship in demo/ (scripts/demoStudies.js): the CHAOS CT study,
 *    inflated to build/demo, and one CHAOS MR T2 subject converted from NIfTI to a DICOM series
 *    by the project's converter; makes their dicomjson manifests, served from memory (so that
 *    several servers on different ports never share one).
 * 5. Serves everything on localhost (COOP/COEP; with a PACS, /dicom-web and /wado proxied to it
 *    same-origin) and prints the URLs of the demo studies.
 *
 * Options: --port N (default 3000), --no-build. Needs no research data (../shared/data).
 * `npm run start:pacs` (scripts/pacs.js) calls start({pacs}) with its Orthanc.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { createServer } = require('./serve');
const { dicomJsonManifest } = require('./prepareDemo');
const { inflateDemoCt, replaceFolder, DEMO_MR_SUBJECT, DEMO_MR_NIFTI } = require('./demoStudies');

const ROOT = path.resolve(__dirname, '..');
const OHIF_VERSION = '3.13.2';
const OHIF_CACHE = path.join(ROOT, '.cache', 'ohif');
const OHIF_DIST = path.join(OHIF_CACHE, 'package', 'dist');
const OVERLAY = path.join(ROOT, 'build', 'www');

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function ensureOhif() {
  if (fs.existsSync(path.join(OHIF_DIST, 'index.html'))) return;
  fs.mkdirSync(OHIF_CACHE, { recursive: true });
  console.log(`Fetching @ohif/app@${OHIF_VERSION} from the npm registry…`);
  execFileSync('npm', ['pack', `@ohif/app@${OHIF_VERSION}`, '--silent'], {
    cwd: OHIF_CACHE,
    stdio: 'inherit',
  });
  execFileSync('tar', ['xzf', `ohif-app-${OHIF_VERSION}.tgz`], { cwd: OHIF_CACHE });
}

/** The model manifests the viewer uses, by modality: the trained models when present. */
function modelConfig() {
  const candidates = [
    { url: '/xai/models/chaos-ct-segformer/manifest.json', modalities: ['CT'] },
    { url: '/xai/models/chaos-mr-t2-segformer/manifest.json', modalities: ['MR'] },
  ];
  const present = candidates.filter((m) =>
    fs.existsSync(path.join(ROOT, 'models', m.url.replace('/xai/models/', ''))),
  );
  return present.length > 0
    ? present
    : [{ url: '/xai/fixtures/planted2d.manifest.json', modalities: ['CT', 'MR'] }];
}

/** The DICOMweb data source of a PACS behind this server's same-origin proxy (OHIF 3.13 keys). */
const PACS_SOURCE = {
  namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
  sourceName: 'orthanc',
  configuration: {
    friendlyName: 'Local Orthanc (npm run start:pacs)',
    name: 'orthanc',
    qidoRoot: '/dicom-web',
    wadoRoot: '/dicom-web',
    wadoUriRoot: '/wado',
    qidoSupportsIncludeField: false,
    imageRendering: 'wadors',
    thumbnailRendering: 'wadors',
    enableStudyLazyLoad: true,
    supportsFuzzyMatching: false,
    supportsWildcard: true,
    staticWado: false,
    singlepart: 'bulkdata,video',
    omitQuotationForMultipartRequest: true,
    bulkDataURI: { enabled: true },
  },
};

/**
 * app-config.js: our plugins and models, the demo sources, and with `pacs` its DICOMweb source as
 * the default. `xaiClip` overrides keys of window.config.xaiClip (tests).
 */
function appConfig(port, pacs, xaiClip = {}) {
  const config = {
    routerBasename: null,
    extensions: ['/xai/xai-clip-extension.mjs'],
    modes: ['/xai/xai-clip-mode.mjs'],
    showStudyList: true,
    showCPUFallbackMessage: false,
    showWarningMessageForCrossOrigin: false,
    showLoadingIndicator: true,
    strictZSpacingForVolumeViewport: true,
    maxNumberOfWebWorkers: 2,
    defaultDataSourceName: pacs ? PACS_SOURCE.sourceName : 'dicomjson',
    dataSources: [
      ...(pacs ? [PACS_SOURCE] : []),
      {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomjson',
        sourceName: 'dicomjson',
        configuration: { friendlyName: 'XAI-CLIP demo studies', name: 'json' },
      },
      {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomlocal',
        sourceName: 'dicomlocal',
        configuration: { friendlyName: 'Local files' },
      },
    ],
    xaiClip: { models: modelConfig(), executionProviders: ['webgpu', 'wasm'], ...xaiClip },
    httpErrorHandler: undefined,
    origin: `http://localhost:${port}`,
  };
  return `window.config = ${JSON.stringify(config, null, 2)};\n`;
}

/** Where the demo MR series is written (the name changes whenever the conversion does). */
const DEMO_MR_FOLDER = path.join(OVERLAY, 'demo', `chaos-mr-${DEMO_MR_SUBJECT}-lps`);

/**
 * Converts the demo MR subject to DICOM once (the CLI's I/O does the work). The NIfTI is
 * stored LAS (rows run posterior to anterior); the series is written in the DICOM display
 * orientation, LPS, as a scanner writes axial slices: anterior up, the patient's left on the
 * image's right, slices from feet to head, with orientation tags that say so.
 */
async function convertDemoMr() {
  const folder = DEMO_MR_FOLDER;
  if (fs.existsSync(path.join(folder, 'slice_0000.dcm'))) return folder;
  require('./registerTypeScript')(path.resolve(__dirname, '..'));
  const { readNifti, writeDicomSeries } = require('@xai-clip/io');
  const { reorientVolume } = require('@xai-clip/engine');
  const nifti = await readNifti(DEMO_MR_NIFTI);
  return replaceFolder(folder, (partial) =>
    writeDicomSeries(partial, reorientVolume(nifti, 'LPS'), {
      modality: 'MR',
      patientName: `CHAOS^MR_T2_${DEMO_MR_SUBJECT}`,
      patientId: `CHAOS-MR-T2-${DEMO_MR_SUBJECT}`,
      studyDescription: 'CHAOS MR T2-SPIR (converted by XAI-CLIP)',
      seriesDescription: 'T2-SPIR',
      uidSeed: `chaos-mr-t2-${DEMO_MR_SUBJECT}-lps`,
    }),
  );
}

/**
 * The dicomjson manifest of each study ({name: DICOM folder}), by the URL path it is served at
 * (/demo/NAME.json), and each study's StudyInstanceUID.
 */
function studyManifests(port, studies) {
  const files = {};
  const uids = {};
  for (const [name, folder] of Object.entries(studies)) {
    const manifest = dicomJsonManifest(folder, `http://localhost:${port}/demo/${name}/`);
    files[`/demo/${name}.json`] = JSON.stringify(manifest);
    uids[name] = manifest.studies[0].StudyInstanceUID;
  }
  return { files, uids };
}

/** The demo study opened from the PACS (the default data source when there is one). */
function pacsStudyUrl(port, uid) {
  return `http://localhost:${port}/xai-clip/${PACS_SOURCE.sourceName}?StudyInstanceUIDs=${uid}`;
}

/** The demo studies: the CHAOS CT study and the converted MR subject, {name: DICOM folder}. */
async function demoStudies() {
  return { 'chaos-ct': inflateDemoCt(), 'chaos-mr': await convertDemoMr() };
}

function studyUrl(port, name, uid) {
  const manifest = encodeURIComponent(`http://localhost:${port}/demo/${name}.json`);
  return `http://localhost:${port}/xai-clip/dicomjson?url=${manifest}&StudyInstanceUIDs=${uid}`;
}

/**
 * Prepares and starts the viewer; resolves with the server and the demo URLs (pacsUrl: the CT
 * demo study opened from the PACS, when `pacs` is given).
 *
 * @param {{port?: number, build?: boolean, pacs?: {url: string}, studies?: Record<string, string>,
 *   xaiClip?: object}} options pacs: a running Orthanc (scripts/pacs.js startOrthanc), proxied at
 *   /dicom-web and /wado and made the default data source; studies: more DICOM series folders to
 *   serve beside the demo ({name: folder}; their links come back in `studyUrls`); xaiClip: keys of
 *   window.config.xaiClip to override.
 */
async function start({ port = 3000, build = true, pacs, studies: extra = {}, xaiClip } = {}) {
  ensureOhif();
  if (build) execFileSync('npx', ['webpack', '--mode', 'production'], { cwd: ROOT, stdio: 'inherit' });
  const studies = { ...(await demoStudies()), ...extra };
  const { files, uids } = studyManifests(port, studies);
  const server = createServer({
    files: { '/app-config.js': appConfig(port, pacs, xaiClip), ...files },
    proxies: pacs ? { '/dicom-web': `${pacs.url}/dicom-web`, '/wado': `${pacs.url}/wado` } : {},
    roots: [OVERLAY, OHIF_DIST],
    mounts: {
      ...Object.fromEntries(Object.entries(studies).map(([name, folder]) => [`/demo/${name}/`, folder])),
      '/xai/models/': path.join(ROOT, 'models'),
      '/xai/fixtures/': path.join(ROOT, 'test', 'fixtures', 'models'),
    },
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    url: studyUrl(port, 'chaos-ct', uids['chaos-ct']),
    mrUrl: studyUrl(port, 'chaos-mr', uids['chaos-mr']),
    studyUrls: Object.fromEntries(
      Object.keys(studies).map((name) => [name, studyUrl(port, name, uids[name])]),
    ),
    ...(pacs ? { pacsUrl: pacsStudyUrl(port, uids['chaos-ct']) } : {}),
  };
}

module.exports = { start, DEMO_MR_SUBJECT, DEMO_MR_FOLDER };

if (require.main === module) {
  start({ port: Number(option('--port', '3000')), build: !process.argv.includes('--no-build') })
    .then(({ url, mrUrl }) =>
      console.log(
        `\nXAI-CLIP is running.\n\n  CHAOS CT demo study:    ${url}\n  CHAOS MR T2 demo study: ${mrUrl}\n`,
      ),
    )
    .catch((error) => {
      console.error(`xai-clip start: ${error.message}`);
      process.exit(1);
    });
}
