import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function electronImportErrors(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').length ?? 0;
}

describe('only the Electron shell may import electron', () => {
  it.each(['src/engine/claims.ts', 'src/providers/bridge/islo.ts', 'src/host/server.ts', 'src/cli/main.ts', 'src/renderer/App.tsx'])(
    'refuses %s importing electron (values, types or subpaths)',
    async (file) => {
      expect(await electronImportErrors(file, "import { app } from 'electron';\nexport const a = app;\n")).toBe(1);
      expect(await electronImportErrors(file, "import type { App } from 'electron';\nexport type A = App;\n")).toBe(1);
      expect(await electronImportErrors(file, "import x from 'electron/main';\nexport const a = x;\n")).toBe(1);
    },
  );

  it.each(['src/electron/main.ts', 'src/electron/tray.ts', 'src/electron/windows.ts', 'src/electron/ipc.ts', 'src/electron/settings.ts', 'src/preload/index.ts'])(
    'allows %s',
    async (file) => {
      expect(await electronImportErrors(file, "import { app } from 'electron';\nexport const a = app;\n")).toBe(0);
    },
  );
});
