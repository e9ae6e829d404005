// Builds and serves a sample's web client: bindings from `meridian generate --lang typescript`,
// one browser bundle from esbuild, and a small static file server.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative, sep } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT, generateBindings } from './meridian.mjs';

/** The directories of sample `name` (e.g. 'kanban'). */
export function sampleDirs(name) {
  const root = join(REPO_ROOT, 'samples', name);
  return { root, module: join(root, 'module'), web: join(root, 'web') };
}

/**
 * Writes samples/<name>/web/src/module_bindings with `meridian generate` (unless `generate` is
 * false) and bundles samples/<name>/web/src/main.ts into samples/<name>/web/dist/app.js.
 */
export async function buildWeb(name, { generate = true } = {}) {
  const dirs = sampleDirs(name);
  if (generate) {
    await generateBindings(relative(REPO_ROOT, dirs.module), relative(REPO_ROOT, join(dirs.web, 'src', 'module_bindings')));
  }
  await build({
    entryPoints: [join(dirs.web, 'src', 'main.ts')],
    outfile: join(dirs.web, 'dist', 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves `dir` (index.html at /) on 127.0.0.1:`port` (0: a free port); resolves with its URL and a close function. */
export function serveStatic(dir, port = 0, host = '127.0.0.1') {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({
        url: `http://${host}:${address.port}/`,
        close: () => new Promise(r => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}
