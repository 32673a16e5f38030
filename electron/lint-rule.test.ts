import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function electronImportErrors(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').length ?? 0;
}

describe('only the Electron shell may import electron', () => {
  it.each(['electron/pond/claims.ts', 'providers/bridge/islo.ts', 'electron/host/server.ts', 'electron/cli/main.ts', 'renderer/src/App.tsx'])(
    'refuses %s importing electron (values, types or subpaths)',
    async (file) => {
      expect(await electronImportErrors(file, "import { app } from 'electron';\nexport const a = app;\n")).toBe(1);
      expect(await electronImportErrors(file, "import type { App } from 'electron';\nexport type A = App;\n")).toBe(1);
      expect(await electronImportErrors(file, "import x from 'electron/main';\nexport const a = x;\n")).toBe(1);
    },
  );

  it.each(['electron/main.ts', 'electron/tray.ts', 'electron/windows.ts', 'electron/ipc.ts', 'electron/settings.ts', 'preload/index.ts'])(
    'allows %s',
    async (file) => {
      expect(await electronImportErrors(file, "import { app } from 'electron';\nexport const a = app;\n")).toBe(0);
    },
  );
});
