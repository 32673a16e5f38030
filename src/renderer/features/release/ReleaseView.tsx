import { useEffect, useState } from 'react';
import type { PondPanelProps, ViewProps } from '../nav';
import { ReleaseDialog } from './ReleaseDialog';

/**
 * The Release view: name a pond and confirm. The tray's "Release pond…" item navigates
 * here with `{ view: 'release', pond }`, which opens the confirmation straight away.
 */
export function ReleaseView({ nav }: ViewProps) {
  const [name, setName] = useState(nav.pond ?? '');
  const [open, setOpen] = useState<string | null>(nav.pond ?? null);
  useEffect(() => {
    if (nav.pond) {
      setName(nav.pond);
      setOpen(nav.pond);
    }
  }, [nav]);

  return (
    <section className="panel" aria-labelledby="release-view-title">
      <h2 id="release-view-title">Release a pond</h2>
      <p className="muted">
        Stops every crabbox lease of the pond with your own <span className="mono">crabbox</span> and forgets its
        hand-added SSH hosts. You see the members and confirm first. From a terminal:{' '}
        <span className="mono">pond release NAME</span>.
      </p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() !== '') setOpen(name);
        }}
      >
        <label>
          Pond name
          <input value={name} onChange={(event) => setName(event.target.value)} data-testid="release-pond-name" />
        </label>
        <button type="submit" className="danger" disabled={name.trim() === ''} data-testid="release-open">
          Release pond…
        </button>
      </form>
      {open !== null && <ReleaseDialog key={open} pond={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

/** The "Release pond…" button on a pond's page. */
export function ReleasePondPanel({ pond }: PondPanelProps) {
  const [open, setOpen] = useState(false);
  return (
    <div className="row">
      <button type="button" className="danger" onClick={() => setOpen(true)} data-testid="release-pond-button">
        Release pond…
      </button>
      <span className="muted">Stops every lease of this pond after you confirm.</span>
      {open && <ReleaseDialog pond={pond} onClose={() => setOpen(false)} />}
    </div>
  );
}
