#!/usr/bin/env node
/**
 * Static server for the viewer: layered roots (our overlay first, then the OHIF dist), extra
 * mounts for the demo data, files generated in memory (app-config.js), same-origin proxies to a
 * PACS (OHIF's DICOMweb client then needs no CORS), the headers onnxruntime-web threads need
 * (COOP/COEP), and OHIF's SPA fallback for route paths — never for a missing asset, so a wrong
 * wasm path fails loudly.
 *
 * Used by scripts/start.js and the e2e tests: `createServer({roots, mounts, files, proxies}).listen(port)`.
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

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

/**
 * Forwards a request to the URL `target` unchanged (method, headers including Host, so that the
 * PACS writes its retrieve URLs for this origin; body streamed). An unreachable PACS answers 502
 * with a sentence saying so.
 */
function proxy(request, response, target) {
  const url = new URL(target);
  const forwarded = http.request(
    {
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode, { ...answer.headers, ...HEADERS });
      answer.pipe(response);
    },
  );
  forwarded.on('error', (error) => {
    if (response.headersSent) return response.destroy(error);
    response.writeHead(502, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`Cannot reach the PACS at ${url.origin} (${error.code || error.message}); is it running?`);
  });
  request.pipe(forwarded);
}

/**
 * @param {{roots: string[], mounts?: Record<string, string>, files?: Record<string, string>, proxies?: Record<string, string>}} options
 *   mounts: URL prefix → folder; files: URL path → content (served first); proxies: URL prefix →
 *   the URL it stands for (e.g. '/dicom-web' → 'http://127.0.0.1:8042/dicom-web').
 */
function createServer({ roots, mounts = {}, files = {}, proxies = {} }) {
  return http.createServer((request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const prefix = Object.keys(proxies).find((p) => urlPath === p || urlPath.startsWith(`${p}/`));
    if (prefix) {
      proxy(request, response, proxies[prefix] + request.url.slice(prefix.length));
      return;
    }
    if (files[urlPath] !== undefined) {
      response.writeHead(200, {
        ...HEADERS,
        'Content-Type': TYPES[path.extname(urlPath).toLowerCase()] ?? 'text/plain; charset=utf-8',
      });
      response.end(files[urlPath]);
      return;
    }
    let file = resolveFile(urlPath === '/' ? '/index.html' : urlPath, roots, mounts);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      if (ASSET.test(urlPath)) {
        response.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' });
        response.end(`Not found: ${urlPath}`);
        return;
      }
      file = resolveFile('/index.html', roots, {});
    }
    response.writeHead(200, {
      ...HEADERS,
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    });
    fs.createReadStream(file).pipe(response);
  });
}

module.exports = { createServer };
