import { useCallback, useEffect, useState } from 'react';
import type { EventPayload } from '../contract/index';
import { useEvent } from './api/client';
import { useExportsSync } from './features/exports/ExportsPanel';
import { useMeshStatus, useMeshSync } from './features/mesh/use-mesh';
import type { Nav } from './features/nav';
import { overlays, views } from './features/registry';
import { settingsPanels } from './features/settings-panels';
import { Settings } from './features/settings/Settings';
import { useOpenDialog, WindowDialogs } from './features/window/dialogs';
import { windowTitle } from './features/window/title';

const allViews = settingsPanels.length > 0 ? [...views.slice(0, -1), { id: 'settings', title: 'Settings', Component: Settings }, ...views.slice(-1)] : views;

function Shell({ hostProblem }: { hostProblem?: string }) {
  const [nav, setNav] = useState<Nav>({ view: allViews[0]?.id ?? 'about' });
  const [notices, setNotices] = useState<EventPayload<'app:notice'>[]>([]);
  const openDialog = useOpenDialog();
  useMeshSync();
  useExportsSync();
  const mesh = useMeshStatus();
  useEvent(
    'app:notice',
    useCallback((notice: EventPayload<'app:notice'>) => setNotices((list) => [...list.slice(-4), notice]), []),
  );
  // The tray's "Release pond…" asks for the release view: the pond's page with the release dialog over it.
  useEvent(
    'app:navigate',
    useCallback(
      (target: EventPayload<'app:navigate'>) => {
        if (target.view === 'release' && target.pond !== undefined) {
          setNav({ view: 'ponds', pond: target.pond });
          openDialog({ kind: 'release', pond: target.pond });
        } else setNav(target);
      },
      [openDialog],
    ),
  );
  const current = allViews.find((v) => v.id === nav.view) ?? allViews[0];
  const openPond = current?.id === 'ponds' ? nav.pond : undefined;
  const title = windowTitle(openPond, mesh.data);
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand" aria-hidden="true">
          Pond Desktop
        </div>
        <ul>
          {allViews.map((view) => (
            <li key={view.id}>
              <button
                type="button"
                className={view.id === current?.id ? 'nav active' : 'nav'}
                aria-current={view.id === current?.id ? 'page' : undefined}
                onClick={() => setNav({ view: view.id })}
              >
                {view.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        {hostProblem && (
          <div className="error-box" role="alert">
            {hostProblem}
          </div>
        )}
        {current && <current.Component nav={nav} navigate={setNav} />}
      </main>
      {overlays.map((Overlay, i) => (
        <Overlay key={i} />
      ))}
      {notices.length > 0 && (
        <aside className="notices" aria-label="Notices" aria-live="polite">
          {notices.map((notice, i) => (
            <div key={`${notice.at}-${i}`} className={`notice ${notice.level}`}>
              {notice.message}
              <button type="button" className="small" onClick={() => setNotices((list) => list.filter((n) => n !== notice))}>
                Dismiss
              </button>
            </div>
          ))}
        </aside>
      )}
    </div>
  );
}

export function App({ hostProblem }: { hostProblem?: string }) {
  return (
    <WindowDialogs>
      <Shell hostProblem={hostProblem} />
    </WindowDialogs>
  );
}
