import { ErrorBox } from '../../ui/ErrorBox';
import { useRestore } from './use-ports';

/** The pond's "Reconnect when Pond Desktop starts" switch, off by default. */
export function RestoreSwitch({ pond }: { pond: string }) {
  const { on, loaded, set } = useRestore(pond);
  return (
    <>
      <label className="inline-field switch">
        <input type="checkbox" checked={on} disabled={!loaded} onChange={(event) => set.mutate(event.target.checked)} data-testid="pond-restore" />
        <span>Reconnect when Pond Desktop starts</span>
      </label>
      {set.error && <ErrorBox error={set.error} title="Reconnect at start" />}
    </>
  );
}
