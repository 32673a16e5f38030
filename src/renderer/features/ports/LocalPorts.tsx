import { ErrorBox } from '../../ui/ErrorBox';
import { PortEdit } from './PortEdit';
import { portPlan } from './port-edit';
import { usePortChoices } from './use-ports';

/**
 * The pond's forwards while it is not connected: where each will listen, and Change port, so
 * a port can be chosen before connecting.
 */
export function LocalPorts({ pond }: { pond: string }) {
  const choices = usePortChoices(pond);
  if (choices.error) return <ErrorBox error={choices.error} title="Local ports" />;
  const rows = choices.data ?? [];
  if (rows.length === 0) return null;
  return (
    <section className="stack" aria-label={`Local ports of pond ${pond}`} data-testid="ports-plan">
      <h2>Local ports</h2>
      <ul className="plain-list stack">
        {rows.map((row) => {
          const id = `ports-${row.member}-${row.remotePort}`;
          return (
            <li key={id} className="row" data-testid={id}>
              <strong className="nowrap">
                {row.member} · port {row.remotePort}
              </strong>
              <span className="muted" data-testid={`${id}-plan`}>
                {portPlan(row)}
              </span>
              <span className="push-end">
                <PortEdit forward={row} chosen={row.chosen} current={null} testId={id} />
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
