#!/usr/bin/env node
/**
 * Static server for the viewer: layered roots (our overlay first, then the OHIF dist), extra
 * mounts for the demo data, the headers onnxruntime-web threads need (COOP/COEP), and OHIF's
 * SPA fallback for route paths — never for a missing asset, so a wrong wasm path fails loudly.
 *
 * Used by scripts/start.js and the e2e tests: `createServer({roots, mounts}).listen(port)`.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.dcm': 'application/dicom',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};
const ASSET = /\.(m?js|css|wasm|onnx|json|dcm|bin|png|svg|woff2?|map|ico)$/i;

function resolveFile(urlPath, roots, mounts) {
  for (const [prefix, folder] of Object.entries(mounts)) {
    if (urlPath.startsWith(prefix)) return path.join(folder, urlPath.slice(prefix.length));
  }
  for (const root of roots) {
    const candidate = path.join(root, urlPath);
    if (candidate.startsWith(root) && fs.existsSync(candidate) && fs.statSync(candidate).isFile())
      return candidate;
  }
  return null;
}

function createServer({ roots, mounts = {} }) {
  return http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    let file = resolveFile(urlPath === '/' ? '/index.html' : urlPath, roots, mounts);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      if (ASSET.test(urlPath)) {
        response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
        response.end(`Not found: ${urlPath}`);
        return;
      }
      file = resolveFile('/index.html', roots, {});
    }
    response.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    });
    fs.createReadStream(file).pipe(response);
  });
}

module.exports = { createServer };
