/**
 * What each tray action does, through the same API the window calls (`call` dispatches and
 * throws the engine's error) plus the few things only the shell can do. A failure is
 * thrown in words for people; the shell shows it where it can be seen (tray-report.ts).
 */
import type { LocalCall } from '../api/local-client';
import type { TrayAction } from './tray';

export interface TrayActionDeps {
  call: LocalCall;
  clipboard: { writeText(text: string): void };
  /** Brings the window forward, on a pond's page or a view when given. */
  showWindow(nav?: { view: string; pond?: string }): void;
  setStartAtLogin(enabled: boolean): void;
  setNotifications(enabled: boolean): void;
  openLogFolder(): Promise<void>;
  quit(): void;
  /** Something the menu shows changed without an engine event (a setting). */
  refresh(): void;
}

/** What the action was, for a message: `Connect demo`. */
export function actionTitle(action: TrayAction): string {
  switch (action.kind) {
    case 'connect':
      return `Connect ${action.pond}`;
    case 'disconnect':
      return `Disconnect ${action.pond}`;
    case 'retry':
      return `Retry ${action.pond}`;
    case 'copyExports':
      return `Copy the exports of ${action.pond}`;
    case 'release':
      return `Release ${action.pond}`;
    case 'open':
      return 'Open Pond Desktop';
    case 'disconnectAll':
      return 'Disconnect all';
    case 'startAtLogin':
      return action.enabled ? 'Start at login' : 'Stop starting at login';
    case 'notifications':
      return action.enabled ? 'Turn notifications on' : 'Turn notifications off';
    case 'openLogFolder':
      return 'Open the log folder';
    case 'quit':
      return 'Quit';
  }
}

export async function runTrayAction(action: TrayAction, deps: TrayActionDeps): Promise<void> {
  switch (action.kind) {
    case 'open':
      deps.showWindow(action.pond !== undefined ? { view: 'ponds', pond: action.pond } : undefined);
      return;
    case 'release':
      // Release needs the window's confirmation, even from the tray.
      deps.showWindow({ view: 'release', pond: action.pond });
      return;
    case 'connect':
      await deps.call('mesh:connect', { pond: action.pond });
      return;
    case 'disconnect':
      await deps.call('mesh:disconnect', { pond: action.pond });
      return;
    case 'retry':
      await deps.call('mesh:retry', { pond: action.pond });
      return;
    case 'disconnectAll':
      await deps.call('mesh:disconnectAll');
      return;
    case 'copyExports': {
      const view = await deps.call('exports:get', { pond: action.pond, format: action.format });
      if (view.lines.length === 0) throw new Error(view.problem ?? `${action.pond} has no forwards up, so there is nothing to copy; connect it first`);
      deps.clipboard.writeText(view.text);
      return;
    }
    case 'startAtLogin':
      deps.setStartAtLogin(action.enabled);
      deps.refresh();
      return;
    case 'notifications':
      deps.setNotifications(action.enabled);
      deps.refresh();
      return;
    case 'openLogFolder':
      await deps.openLogFolder();
      return;
    case 'quit':
      deps.quit();
      return;
  }
}
