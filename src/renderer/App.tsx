import { useCallback, useState } from 'react';
import type { EventPayload } from '../contract/index';
import { useEvent } from './api/client';
import type { Nav } from './features/nav';
import { overlays, views } from './features/registry';
import { settingsPanels } from './features/settings-panels';
import { Settings } from './features/settings/Settings';

const allViews = settingsPanels.length > 0 ? [...views, { id: 'settings', title: 'Settings', Component: Settings }] : views;

export function App({ hostProblem }: { hostProblem?: string }) {
  const [nav, setNav] = useState<Nav>({ view: allViews[0]?.id ?? 'about' });
  const [notices, setNotices] = useState<EventPayload<'app:notice'>[]>([]);
  useEvent(
    'app:notice',
    useCallback((notice: EventPayload<'app:notice'>) => setNotices((list) => [...list.slice(-4), notice]), []),
  );
  useEvent(
    'app:navigate',
    useCallback((target: EventPayload<'app:navigate'>) => setNav(target), []),
  );
  const current = allViews.find((v) => v.id === nav.view) ?? allViews[0];
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Sections">
        <h1 className="brand">Pond Desktop</h1>
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
        <aside className="notices" aria-live="polite">
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
