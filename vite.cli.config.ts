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

/** The `pond` CLI: one ESM file for Node, dependencies left to node_modules. */
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
    ssr: resolve(root, 'src/cli/pond.ts'),
    minify: false,
    rolldownOptions: {
      external,
      output: { format: 'es', entryFileNames: 'pond.js', banner: '#!/usr/bin/env node' },
    },
  },
});
