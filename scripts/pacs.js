#!/usr/bin/env node
/**
 * A private Orthanc PACS for development and tests (Debian packages `orthanc` and
 * `orthanc-dicomweb`): its own configuration and database in one folder, HTTP on the port the
 * caller names, reachable from this machine only (RemoteAccessAllowed false, no DICOM network
 * server, no authentication), DICOMweb (QIDO/WADO/STOW-RS) at /dicom-web/.
 *
 *   node scripts/pacs.js --port 8042 [--storage DIR] [--load FOLDER]... [--demo]
 *                        [--viewer-port 3000 | --no-viewer] [--no-build]
 *
 * starts it (storage default .cache/orthanc), uploads every DICOM file under each --load folder
 * (--demo: the CHAOS CT series that ships in demo/), serves the viewer
 * (scripts/start.js) with /dicom-web proxied to this Orthanc and made its default data source,
 * so a study can be opened from the PACS, explained and its SEG stored back; runs until Ctrl-C.
 * From code: `startOrthanc({port, storage})` → {url, dicomWebRoot, stop},
 * `uploadFolder(url, folder)`, `stop()` (every Orthanc this module started), `freePort()`,
 * `orthancMissing()` (why Orthanc cannot run here, or null).
 * Env: ORTHANC_BIN (default: Orthanc on the PATH or in /usr/sbin), ORTHANC_DICOMWEB_PLUGIN.
 */
/* global fetch, clearTimeout -- Node 20 globals */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DICOMWEB_PLUGIN =
  process.env.ORTHANC_DICOMWEB_PLUGIN || '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const INSTALL_HINT =
  'Install the Debian packages: apt-get install -y orthanc orthanc-dicomweb (or set ORTHANC_BIN / ORTHANC_DICOMWEB_PLUGIN).';

/** Orthancs started by this module and not yet stopped. */
const running = new Set();

/** The Orthanc executable: $ORTHANC_BIN, else `Orthanc` on the PATH or in the sbin folders (Debian's place). */
function findOrthanc() {
  if (process.env.ORTHANC_BIN) return process.env.ORTHANC_BIN;
  const folders = [...(process.env.PATH || '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const folder of folders) {
    const candidate = path.join(folder, 'Orthanc');
    if (folder && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `Orthanc is not installed (no Orthanc executable on the PATH or in /usr/sbin). ${INSTALL_HINT}`,
  );
}

/** Why a private Orthanc cannot start here (Orthanc or its DICOMweb plugin not installed), or null. */
function orthancMissing() {
  try {
    findOrthanc();
  } catch (error) {
    return error.message;
  }
  return fs.existsSync(DICOMWEB_PLUGIN)
    ? null
    : `The Orthanc DICOMweb plugin is missing (${DICOMWEB_PLUGIN}). ${INSTALL_HINT}`;
}

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function orthancConfig(port, storage) {
  const db = path.join(storage, 'db');
  return {
    Name: `xai-clip-${port}`,
    StorageDirectory: db,
    IndexDirectory: db,
    StorageCompression: false,
    HttpServerEnabled: true,
    HttpPort: port,
    HttpDescribeErrors: true,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: false,
    UnknownSopClassAccepted: true,
    OverwriteInstances: true,
    SaveJobs: false,
    ConcurrentJobs: 2,
    WebDavEnabled: false,
    RestApiWriteToFileSystemEnabled: false,
    LuaScripts: [],
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: true,
      WadoRoot: '/wado',
      // No "Host": RetrieveURLs then name the host and port the client used.
      StudiesMetadata: 'Full',
      SeriesMetadata: 'Full',
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts a private Orthanc and resolves once its REST API and DICOMweb plugin answer.
 *
 * @param {{port: number, storage?: string, timeoutMs?: number}} options
 *   port: HTTP port (on 127.0.0.1; see freePort); storage: folder for its configuration,
 *   database and log (created; default a temporary folder, deleted again by stop).
 * @returns {Promise<{url: string, dicomWebRoot: string, port: number, storage: string, log: string, pid: number, stop: () => Promise<void>}>}
 */
async function startOrthanc({ port, storage, timeoutMs = 30000 } = {}) {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`startOrthanc needs an HTTP port (a whole number 1–65535), got ${port}.`);
  }
  const missing = orthancMissing();
  if (missing) throw new Error(missing);
  const binary = findOrthanc();
  const temporary = !storage;
  const folder = path.resolve(storage || fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-orthanc-')));
  fs.mkdirSync(path.join(folder, 'db'), { recursive: true });
  const configFile = path.join(folder, 'orthanc.json');
  fs.writeFileSync(configFile, `${JSON.stringify(orthancConfig(port, folder), null, 2)}\n`);
  const log = path.join(folder, 'orthanc.log');
  fs.writeFileSync(log, '');

  const child = spawn(binary, [`--logfile=${log}`, configFile], { stdio: 'ignore' });
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.once('error', (error) => {
      exited = { error };
      resolve(exited);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    dicomWebRoot: `${url}/dicom-web`,
    port,
    storage: folder,
    log,
    pid: child.pid,
    stop: async () => {
      if (!running.has(server)) return;
      running.delete(server);
      if (!exited) {
        child.kill('SIGTERM');
        let timer;
        const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 10000, null)));
        const done = await Promise.race([exit, timeout]);
        clearTimeout(timer);
        if (!done) {
          child.kill('SIGKILL');
          await exit;
        }
      }
      if (temporary) fs.rmSync(folder, { recursive: true, force: true });
    },
  };
  running.add(server);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await server.stop();
      const why = exited.error ? exited.error.message : `exit code ${exited.code ?? exited.signal}`;
      throw new Error(
        `Orthanc stopped while starting (${why}); is port ${port} already in use? Its log:\n${logTail(log)}`,
      );
    }
    try {
      const plugins = await fetch(`${url}/plugins`);
      if (plugins.ok) {
        const names = await plugins.json();
        if (!names.includes('dicom-web')) {
          await server.stop();
          throw new Error(
            `Orthanc started without its DICOMweb plugin (${DICOMWEB_PLUGIN}). Log:\n${logTail(log)}`,
          );
        }
        return server;
      }
    } catch (error) {
      if (/DICOMweb plugin/.test(error.message)) throw error;
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `Orthanc did not answer on ${url} within ${timeoutMs / 1000} s. Its log:\n${logTail(log)}`,
      );
    }
    await sleep(100);
  }
}

/** Every file under `folder` (recursively) that starts with the DICM marker. */
function dicomFiles(folder) {
  const files = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...dicomFiles(file));
    else if (entry.isFile()) {
      const fd = fs.openSync(file, 'r');
      const marker = Buffer.alloc(4);
      const read = fs.readSync(fd, marker, 0, 4, 128);
      fs.closeSync(fd);
      if (read === 4 && marker.toString('latin1') === 'DICM') files.push(file);
    }
  }
  return files.sort();
}

/**
 * Uploads every DICOM file under `folder` to an Orthanc (`POST /instances`).
 *
 * @param {string | {url: string}} server Orthanc's base URL, or what startOrthanc returned
 * @param {string} folder
 * @returns {Promise<{uploaded: number, alreadyStored: number, studies: string[]}>} studies: Orthanc study ids
 */
async function uploadFolder(server, folder) {
  const url = (typeof server === 'string' ? server : server.url).replace(/\/+$/, '');
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new Error(`Cannot upload ${folder}: no such folder.`);
  }
  const files = dicomFiles(folder);
  if (files.length === 0) throw new Error(`Cannot upload ${folder}: it holds no DICOM files.`);
  const result = { uploaded: 0, alreadyStored: 0, studies: [] };
  const studies = new Set();
  for (const file of files) {
    let response;
    try {
      response = await fetch(`${url}/instances`, { method: 'POST', body: fs.readFileSync(file) });
    } catch (error) {
      throw new Error(
        `Cannot reach Orthanc at ${url} (${error.cause?.code || error.message}); is it running?`,
      );
    }
    if (!response.ok) {
      throw new Error(
        `Orthanc refused ${file}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`,
      );
    }
    const answer = await response.json();
    if (answer.Status === 'AlreadyStored') result.alreadyStored++;
    else result.uploaded++;
    studies.add(answer.ParentStudy);
  }
  result.studies = [...studies];
  return result;
}

/** Stops every Orthanc this module started. */
async function stop() {
  await Promise.all([...running].map((server) => server.stop()));
}

// Never leave an Orthanc behind when this process ends.
process.once('exit', () => {
  for (const server of running) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function main() {
  const args = process.argv.slice(2);
  const option = (name) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  if (args.includes('--help')) {
    console.log(
      'node scripts/pacs.js --port 8042 [--storage DIR] [--load FOLDER]... [--demo] [--viewer-port 3000 | --no-viewer] [--no-build]',
    );
    return;
  }
  const port = Number(option('--port') ?? 8042);
  const storage = path.resolve(option('--storage') ?? path.join(ROOT, '.cache', 'orthanc'));
  const server = await startOrthanc({ port, storage });
  const shutdown = () => {
    server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log(`Orthanc on ${server.url} (DICOMweb ${server.dicomWebRoot}), data in ${storage}.`);
  const folders = args.flatMap((arg, index) => (arg === '--load' ? [args[index + 1]] : []));
  if (args.includes('--demo')) {
    folders.push(require('./demoStudies').inflateDemoCt());
  }
  for (const folder of folders) {
    const { uploaded, alreadyStored, studies } = await uploadFolder(server, folder);
    console.log(
      `Loaded ${folder}: ${uploaded} new, ${alreadyStored} already stored, ${studies.length} study(ies).`,
    );
  }
  if (!args.includes('--no-viewer')) {
    const { start } = require('./start');
    const viewerPort = Number(option('--viewer-port') ?? 3000);
    const { pacsUrl } = await start({ port: viewerPort, build: !args.includes('--no-build'), pacs: server });
    console.log(
      `\nXAI-CLIP viewer on http://localhost:${viewerPort}/ (study list from this Orthanc).\n` +
        (args.includes('--demo') ? `  CHAOS CT study from the PACS: ${pacsUrl}\n` : '') +
        '  Explain, then "Save as DICOM SEG" in the XAI-CLIP panel stores the SEG here; reload to see it.',
    );
  }
  console.log('Ctrl-C stops it.');
}

if (require.main === module) {
  main().catch(async (error) => {
    console.error(`pacs: ${error.message}`);
    await stop();
    process.exit(1);
  });
}

module.exports = { startOrthanc, uploadFolder, stop, freePort, orthancMissing };
