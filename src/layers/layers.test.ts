/**
 * The layering rules of .dependency-cruiser.cjs (run by `npm run lint`) fire on each kind
 * of violation and stay quiet on a tree that keeps them. Each case is a small tree in a temp
 * directory cruised with the project's own configuration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const roots: string[] = [];
const options = await extractDepcruiseOptions(path.join(repo, '.dependency-cruiser.cjs'));

afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** Cruises `files` (path → source) with the project's rules; returns `rule: file` for each violation. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pond-layers-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  const { output } = await cruise(['src'], { ...options, baseDir: root, tsConfig: undefined });
  return [...new Set((output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from}`))].sort();
}

const leaf = { 'src/contract/index.ts': 'export const c = 1;\n', 'src/lib/names.ts': "import { c } from '../contract/index';\nexport const n = c;\n" };

describe('the layering rules', () => {
  it('accept a tree whose layers point down', async () => {
    expect(
      await violations({
        ...leaf,
        'src/providers/catalogue.ts': "import { n } from '../lib/names';\nexport const p = n;\n",
        'src/engine/ponds.ts': "import { p } from '../providers/catalogue';\nexport class Ponds { v = p; }\n",
        'src/api/engine.ts': "import { Ponds } from '../engine/ponds';\nexport const engine = new Ponds();\n",
        'src/cli/list.ts': "import { engine } from '../api/engine';\nimport type { Ponds } from '../engine/ponds';\nexport const x: Ponds = engine;\n",
        'src/renderer/App.tsx': "import { c } from '../contract/index';\nexport const a = c;\n",
      }),
    ).toEqual([]);
  });

  it('refuse an engine that imports the api, and providers that import the engine', async () => {
    expect(
      await violations({
        ...leaf,
        'src/api/handlers.ts': 'export const h = 1;\n',
        'src/engine/mesh.ts': "import { h } from '../api/handlers';\nexport const m = h;\n",
        'src/providers/islo.ts': "import { m } from '../engine/mesh';\nexport const i = m;\n",
      }),
    ).toEqual(['engine-points-down: src/engine/mesh.ts', 'providers-points-down: src/providers/islo.ts']);
  });

  it('refuse a leaf that imports anything above it', async () => {
    expect(await violations({ ...leaf, 'src/engine/x.ts': 'export const x = 1;\n', 'src/lib/go.ts': "import { x } from '../engine/x';\nexport const g = x;\n" })).toEqual(['lib-points-down: src/lib/go.ts']);
  });

  it('refuse circles', async () => {
    expect(await violations({ 'src/engine/a.ts': "import { b } from './b';\nexport const a = () => b;\n", 'src/engine/b.ts': "import { a } from './a';\nexport const b = () => a;\n" })).toEqual(['no-circular: src/engine/a.ts']);
  });

  it('refuse a face that wires engine parts itself (values), allowing types', async () => {
    expect(
      await violations({
        'src/engine/mesh.ts': 'export class Mesh {}\n',
        'src/cli/connect.ts': "import { Mesh } from '../engine/mesh';\nexport const m = new Mesh();\n",
        'src/host/server.ts': "import type { Mesh } from '../engine/mesh';\nexport let m: Mesh | undefined;\n",
      }),
    ).toEqual(['faces-use-the-api: src/cli/connect.ts']);
  });

  it('refuse a renderer that reaches past the contract', async () => {
    expect(await violations({ ...leaf, 'src/renderer/App.tsx': "import { n } from '../lib/names';\nexport const a = n;\n" })).toEqual(['renderer-reaches-only-the-contract: src/renderer/App.tsx']);
  });

  it('refuse test support in production code', async () => {
    expect(
      await violations({ 'src/engine/testing/fake.ts': 'export const f = 1;\n', 'src/engine/mesh.ts': "import { f } from './testing/fake';\nexport const m = f;\n" }),
    ).toEqual(['no-test-support-in-production: src/engine/mesh.ts']);
  });

  it('refuse electron anywhere but the shell and the preload', async () => {
    expect(
      await violations({
        'src/engine/claims.ts': "import { app } from 'electron';\nexport const a = app;\n",
        'src/host/server.ts': "import type { App } from 'electron/main';\nexport let a: App | undefined;\n",
        'src/electron/main.ts': "import { app } from 'electron';\nexport const a = app;\n",
        'src/preload/index.ts': "import { contextBridge } from 'electron';\nexport const c = contextBridge;\n",
      }),
    ).toEqual(['electron-only-in-the-shell: src/engine/claims.ts', 'electron-only-in-the-shell: src/host/server.ts']);
  });
});
