#!/usr/bin/env node
/**
 * The demo studies that ship with the repository (demo/, CC BY-SA 4.0, see demo/README.md), so
 * that a clone alone runs the viewer: the CHAOS CT study as brotli-compressed DICOM files
 * (demo/chaos-ct/*.dcm.br, about 14 MB instead of 32 MB) and one CHAOS MR T2 subject's NIfTI.
 *
 * `inflateDemoCt()` writes the CT files to build/demo/chaos-ct once and returns that folder.
 * `node scripts/demoStudies.js pack <CHAOS CT dicom folder>` (re)makes demo/chaos-ct from the
 * original files, with their SHA-256 sums (demo/chaos-ct/SHA256SUMS, `sha256sum -c` format).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ROOT = path.resolve(__dirname, '..');
const DEMO = path.join(ROOT, 'demo');
const PACKED_CT = path.join(DEMO, 'chaos-ct');
const SUMS = 'SHA256SUMS';

/** CHAOS MR T2 subject shown in the demo: one that neither bundled model trained on. */
const DEMO_MR_SUBJECT = 3;

/** Its NIfTI, as the Q-Net pipeline stored it (the only MR file in the repository). */
const DEMO_MR_NIFTI = path.join(DEMO, 'chaos-mr-t2', `image_${DEMO_MR_SUBJECT}.nii.gz`);

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

/** The SHA-256 of every original CT file, by name, from the packed folder's SHA256SUMS. */
function ctChecksums(packed) {
  const lines = fs.readFileSync(path.join(packed, SUMS), 'utf8').trim().split('\n');
  return new Map(lines.map((line) => line.split(/ +/).reverse()));
}

/**
 * Inflates the packed CT study (demo/chaos-ct) into `target` (default build/demo/chaos-ct) unless
 * it is there already, checking every file against its SHA-256 (`replaceFolder`). Returns the folder.
 */
function inflateDemoCt(target = path.join(ROOT, 'build', 'demo', 'chaos-ct'), packed = PACKED_CT) {
  const sums = ctChecksums(packed);
  if (fs.existsSync(target) && fs.readdirSync(target).length === sums.size) return target;
  return replaceFolder(target, (partial) => {
    fs.mkdirSync(partial, { recursive: true });
    for (const [name, sum] of sums) {
      const file = path.join(packed, `${name}.br`);
      const bytes = zlib.brotliDecompressSync(fs.readFileSync(file));
      if (sha256(bytes) !== sum) {
        throw new Error(
          `${file} does not inflate to the original ${name} (its SHA-256 differs from ${SUMS}); restore it with git checkout demo/.`,
        );
      }
      fs.writeFileSync(path.join(partial, name), bytes);
    }
  });
}

/**
 * Writes a folder with `fill(partial)` into a sibling of `target`, then renames it over `target`:
 * an interrupted or failed start never leaves a half-written study (a failed sibling is removed).
 * Returns `target`.
 */
function replaceFolder(target, fill) {
  const partial = `${target}.partial-${process.pid}`;
  try {
    fill(partial);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(partial, target);
  return target;
}

/** Writes demo/chaos-ct from the original CHAOS CT DICOM folder: brotli files and SHA256SUMS. */
function packDemoCt(source) {
  const names = fs
    .readdirSync(source)
    .filter((name) => name.endsWith('.dcm'))
    .sort();
  if (names.length === 0) throw new Error(`No .dcm files in ${source}; give the CHAOS CT dicom folder.`);
  fs.mkdirSync(PACKED_CT, { recursive: true });
  const sums = names.map((name) => {
    const bytes = fs.readFileSync(path.join(source, name));
    const packed = zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY },
    });
    fs.writeFileSync(path.join(PACKED_CT, `${name}.br`), packed);
    return `${sha256(bytes)}  ${name}\n`;
  });
  fs.writeFileSync(path.join(PACKED_CT, SUMS), sums.join(''));
  return names.length;
}

module.exports = { inflateDemoCt, replaceFolder, DEMO_MR_SUBJECT, DEMO_MR_NIFTI };

if (require.main === module) {
  const [command, source] = process.argv.slice(2);
  if (command !== 'pack' || !source) {
    console.error('usage: node scripts/demoStudies.js pack <CHAOS CT dicom folder>');
    process.exit(2);
  }
  console.log(`demo/chaos-ct: ${packDemoCt(source)} files packed.`);
}
