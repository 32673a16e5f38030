/** Serves the built renderer from one directory, never anything outside it. */
import fs from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export type StaticFile = { status: 200; body: Buffer; type: string } | { status: 404 };

/** Resolves a request path to a file under `root`; `/` is the app's index.html. */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 404 };
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(root, relative);
  if (full !== path.resolve(root) && !full.startsWith(path.resolve(root) + path.sep)) return { status: 404 };
  try {
    const stat = await fs.stat(full);
    if (!stat.isFile()) return { status: 404 };
    return { status: 200, body: await fs.readFile(full), type: TYPES[path.extname(full)] ?? 'application/octet-stream' };
  } catch {
    return { status: 404 };
  }
}
