#!/usr/bin/env node
/**
 * `npm start`: OHIF 3.13.2 with the XAI-CLIP extension and mode and the demo studies.
 *
 * 1. Gets the published OHIF app (`npm pack @ohif/app@3.13.2`, cached in .cache/ohif).
 * 2. Builds the extension and mode (webpack) unless --no-build.
 * 3. Writes app-config.js (our extension, mode, the dicomjson data source, window.config.xaiClip).
 * 4. Writes the dicomjson manifest of the CHAOS CT demo study.
 * 5. Serves everything on localhost (COOP/COEP) and prints the URL of the demo study.
 *
 * Options: --port N (default 3000), --no-build. Data: $XAI_CLIP_DATA or ../shared/data.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { createServer } = require('./serve');
const { dicomJsonManifest } = require('./prepareDemo');

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

function dataRoot() {
  const root = process.env.XAI_CLIP_DATA ?? path.resolve(ROOT, '..', 'shared', 'data');
  if (!fs.existsSync(path.join(root, 'chaos-ct', 'dicom'))) {
    throw new Error(`Demo data not found in ${root}. Set XAI_CLIP_DATA to the folder holding chaos-ct/.`);
  }
  return root;
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

function writeAppConfig(port) {
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
    defaultDataSourceName: 'dicomjson',
    dataSources: [
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
    xaiClip: { models: modelConfig(), executionProviders: ['webgpu', 'wasm'] },
    httpErrorHandler: undefined,
    origin: `http://localhost:${port}`,
  };
  fs.mkdirSync(OVERLAY, { recursive: true });
  fs.writeFileSync(
    path.join(OVERLAY, 'app-config.js'),
    `window.config = ${JSON.stringify(config, null, 2)};\n`,
  );
}

function writeDemo(port, data) {
  const demo = path.join(OVERLAY, 'demo');
  fs.mkdirSync(demo, { recursive: true });
  const manifest = dicomJsonManifest(
    path.join(data, 'chaos-ct', 'dicom'),
    `http://localhost:${port}/demo/chaos-ct/`,
  );
  fs.writeFileSync(path.join(demo, 'chaos-ct.json'), JSON.stringify(manifest));
  return manifest.studies[0].StudyInstanceUID;
}

/** Prepares and starts the viewer; resolves with the server and the demo URL. */
async function start({ port = 3000, build = true } = {}) {
  ensureOhif();
  if (build) execFileSync('npx', ['webpack', '--mode', 'production'], { cwd: ROOT, stdio: 'inherit' });
  const data = dataRoot();
  writeAppConfig(port);
  const studyUid = writeDemo(port, data);
  const server = createServer({
    roots: [OVERLAY, OHIF_DIST],
    mounts: {
      '/demo/chaos-ct/': path.join(data, 'chaos-ct', 'dicom'),
      '/xai/models/': path.join(ROOT, 'models'),
      '/xai/fixtures/': path.join(ROOT, 'test', 'fixtures', 'models'),
    },
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://localhost:${port}/xai-clip/dicomjson?url=${encodeURIComponent(`http://localhost:${port}/demo/chaos-ct.json`)}&StudyInstanceUIDs=${studyUid}`;
  return { server, url, studyUid };
}

module.exports = { start };

if (require.main === module) {
  start({ port: Number(option('--port', '3000')), build: !process.argv.includes('--no-build') })
    .then(({ url }) => console.log(`\nXAI-CLIP is running. Open the CHAOS CT demo study:\n\n  ${url}\n`))
    .catch((error) => {
      console.error(`xai-clip start: ${error.message}`);
      process.exit(1);
    });
}
