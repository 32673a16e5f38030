import { chmodSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const root = import.meta.dirname;
const external = [
  ...builtinModules.flatMap((m) => [m, `node:${m}`]),
  ...Object.keys(pkg.dependencies),
].map((name) => new RegExp(`^${name.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')}(/.*)?$`));

/**
 * The `pond` CLI: ESM for Node, dependencies left to node_modules. Beside pond.js: the mesh's
 * data-plane worker (mesh-worker.js) and the chunks the two share, all flat in out/cli
 * (src/engine/mesh/data-plane/worker-script.ts finds the worker beside the running file).
 */
export default defineConfig({
  plugins: [
    {
      name: 'pond-cli-executable',
      writeBundle(options, bundle) {
        for (const file of Object.keys(bundle)) chmodSync(resolve(options.dir ?? '', file), 0o755);
      },
    },
  ],
  build: {
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    minify: false,
    rolldownOptions: {
      input: { pond: resolve(root, 'src/cli/pond.ts'), 'mesh-worker': resolve(root, 'src/engine/mesh/data-plane/worker.ts') },
      external,
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        banner: (chunk) => (chunk.isEntry && chunk.name === 'pond' ? '#!/usr/bin/env node' : ''),
      },
    },
  },
});
