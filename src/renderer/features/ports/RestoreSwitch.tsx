import { useEffect, useState } from 'react';
import { ErrorBox } from '../../ui/ErrorBox';
import { useRestore } from './use-ports';

/** The pond's "Reconnect when Pond Desktop starts" switch, off by default. */
export function RestoreSwitch({ pond }: { pond: string }) {
  const { on, loaded, set } = useRestore(pond);
  // The query's optimistic value reaches React a task after the click (TanStack batches its
  // notifications), and until then React puts the controlled box back: the click shows at
  // once from here, and the query's value takes over as soon as it agrees.
  const [clicked, setClicked] = useState<boolean | null>(null);
  useEffect(() => {
    if (clicked === on) setClicked(null);
  }, [clicked, on]);
  return (
    <>
      <label className="inline-field switch">
        <input
          type="checkbox"
          checked={clicked ?? on}
          disabled={!loaded}
          onChange={(event) => {
            setClicked(event.target.checked);
            set.mutate(event.target.checked);
          }}
          data-testid="pond-restore"
        />
        <span>Reconnect when Pond Desktop starts</span>
      </label>
      {set.error && <ErrorBox error={set.error} title="Reconnect at start" />}
    </>
  );
}
