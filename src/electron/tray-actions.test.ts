import { describe, expect, it } from 'vitest';
import type { LocalCall } from '../api/local-client';
import { actionTitle, runTrayAction, type TrayActionDeps } from './tray-actions';
import type { TrayAction } from './tray';

function fakeDeps(exportsText = 'export CRABBOX_POND_WEB_8080=127.0.0.1:51820\n') {
  const done: string[] = [];
  const call = (async (channel: string, input?: unknown) => {
    done.push(`${channel} ${JSON.stringify(input)}`);
    if (channel === 'exports:get') {
      const lines = exportsText ? [{ name: 'CRABBOX_POND_WEB_8080', value: '127.0.0.1:51820', line: exportsText.trim() }] : [];
      return { pond: 'demo', format: 'sh', source: 'mesh', envPath: '/e', text: exportsText, lines };
    }
    return {};
  }) as unknown as LocalCall;
  const deps: TrayActionDeps = {
    call,
    clipboard: { writeText: (text) => void done.push(`clipboard ${text}`) },
    showWindow: (nav) => void done.push(`show ${JSON.stringify(nav)}`),
    setStartAtLogin: (on) => void done.push(`login ${on}`),
    setNotifications: (on) => void done.push(`notifications ${on}`),
    openLogFolder: async () => void done.push('log folder'),
    quit: () => void done.push('quit'),
    refresh: () => void done.push('refresh'),
  };
  return { deps, done };
}

describe('tray actions', () => {
  it('call the same API as the window for the pond actions', async () => {
    const { deps, done } = fakeDeps();
    for (const action of [
      { kind: 'connect', pond: 'demo' },
      { kind: 'disconnect', pond: 'demo' },
      { kind: 'retry', pond: 'demo' },
      { kind: 'disconnectAll' },
    ] as TrayAction[]) {
      await runTrayAction(action, deps);
    }
    expect(done).toEqual(['mesh:connect {"pond":"demo"}', 'mesh:disconnect {"pond":"demo"}', 'mesh:retry {"pond":"demo"}', 'mesh:disconnectAll undefined']);
  });

  it("copy a pond's exports in the chosen format to the clipboard, or say why there is nothing", async () => {
    const { deps, done } = fakeDeps();
    await runTrayAction({ kind: 'copyExports', pond: 'demo', format: 'fish' }, deps);
    expect(done).toEqual(['exports:get {"pond":"demo","format":"fish"}', 'clipboard export CRABBOX_POND_WEB_8080=127.0.0.1:51820\n']);
    const empty = fakeDeps('');
    await expect(runTrayAction({ kind: 'copyExports', pond: 'demo', format: 'sh' }, empty.deps)).rejects.toThrow(
      'demo has no forwards up, so there is nothing to copy; connect it first',
    );
    expect(empty.done.some((d) => d.startsWith('clipboard'))).toBe(false);
  });

  it('open the window on the pond, or on its release confirmation', async () => {
    const { deps, done } = fakeDeps();
    await runTrayAction({ kind: 'open' }, deps);
    await runTrayAction({ kind: 'open', pond: 'demo' }, deps);
    await runTrayAction({ kind: 'release', pond: 'demo' }, deps);
    expect(done).toEqual(['show undefined', 'show {"view":"ponds","pond":"demo"}', 'show {"view":"release","pond":"demo"}']);
  });

  it('change the settings and show the change, open the log folder, quit', async () => {
    const { deps, done } = fakeDeps();
    await runTrayAction({ kind: 'startAtLogin', enabled: true }, deps);
    await runTrayAction({ kind: 'notifications', enabled: false }, deps);
    await runTrayAction({ kind: 'openLogFolder' }, deps);
    await runTrayAction({ kind: 'quit' }, deps);
    expect(done).toEqual(['login true', 'refresh', 'notifications false', 'refresh', 'log folder', 'quit']);
  });

  it('name each action for messages', () => {
    expect(actionTitle({ kind: 'connect', pond: 'demo' })).toBe('Connect demo');
    expect(actionTitle({ kind: 'copyExports', pond: 'demo', format: 'sh' })).toBe('Copy the exports of demo');
    expect(actionTitle({ kind: 'startAtLogin', enabled: false })).toBe('Stop starting at login');
  });
});
