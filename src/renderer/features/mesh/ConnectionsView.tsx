import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CONNECTION_WORDS, forwardBadge, pondConnection, pondSummary, type MeshForwardShape, type MeshStatusShape } from '../../../contract/index';
import { call } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import { OpenInBrowser } from '../../ui/OpenInBrowser';
import { CONNECTION_TONES, forwardTone } from '../../ui/tones';
import { useCompact } from '../../ui/use-media';
import type { Nav, ViewProps } from '../nav';
import { allForwards, browserAddress, formatBytes } from './mesh-panel';
import { useMeshStatus } from './use-mesh';

function idOf(f: MeshForwardShape): string {
  return `connection-${f.pond}-${f.member}-${f.remotePort}`;
}

function Local({ forward }: { forward: MeshForwardShape }) {
  if (forward.localPort === null) return <span className="muted">none yet</span>;
  const local = `127.0.0.1:${forward.localPort}`;
  return (
    <span className="address-copy">
      <span className="address" data-testid={`${idOf(forward)}-local`}>
        {local}
      </span>
      <CopyButton text={local} what={local} />
    </span>
  );
}

function State({ forward }: { forward: MeshForwardShape }) {
  const badge = forwardBadge(forward);
  return (
    <Badge tone={forwardTone(badge.tone)} testId={`${idOf(forward)}-state`}>
      {badge.text}
    </Badge>
  );
}

function Traffic({ forward }: { forward: MeshForwardShape }) {
  return (
    <span className="nowrap">
      <span aria-label="received">↓</span> {formatBytes(forward.bytesIn)} <span aria-label="sent">↑</span> {formatBytes(forward.bytesOut)}
    </span>
  );
}

function Open({ forward }: { forward: MeshForwardShape }) {
  const url = browserAddress(forward);
  return url ? <OpenInBrowser url={url} testId={`${idOf(forward)}-open`} /> : null;
}

function PondLink({ pond, navigate }: { pond: string; navigate: (nav: Nav) => void }) {
  return (
    <button type="button" className="link" onClick={() => navigate({ view: 'ponds', pond, tab: 'forwards' })}>
      {pond}
    </button>
  );
}

/** Every pond's state on one line each. */
function PondStates({ status, navigate }: { status: MeshStatusShape; navigate: (nav: Nav) => void }) {
  return (
    <ul className="pond-states">
      {status.ponds.map((p) => {
        const { connection } = pondConnection(p);
        return (
          <li key={p.pond} data-testid={`mesh-connection-${p.pond}`}>
            <PondLink pond={p.pond} navigate={navigate} />
            <Badge tone={CONNECTION_TONES[connection]}>{CONNECTION_WORDS[connection]}</Badge>
            <span className="muted nowrap">{pondSummary(p)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** One table of every forward across ponds: where it goes, its local address to copy, its state and traffic. */
export function ConnectionsView({ navigate }: ViewProps) {
  const queryClient = useQueryClient();
  const compact = useCompact();
  const status = useMeshStatus();
  const disconnectAll = useMutation({ mutationFn: () => call('mesh:disconnectAll'), onSuccess: (result) => queryClient.setQueryData(['mesh:status'], result) });
  const forwards = allForwards(status.data);
  const ponds = status.data?.ponds ?? [];
  return (
    <section className="view" data-testid="mesh-connections" aria-labelledby="mesh-connections-title">
      <header className="view-header">
        <h1 id="mesh-connections-title">Connections</h1>
        {ponds.length > 0 && (
          <button type="button" className="danger" disabled={disconnectAll.isPending} onClick={() => disconnectAll.mutate()} data-testid="mesh-disconnect-all">
            Disconnect all
          </button>
        )}
      </header>
      {status.error && <ErrorBox error={status.error} />}
      {disconnectAll.error && <ErrorBox error={disconnectAll.error} />}
      {ponds.length === 0 && (
        <p className="muted" data-testid="mesh-connections-empty">
          No pond is connected. Open a pond and choose Connect to forward its exposed ports to 127.0.0.1.
        </p>
      )}
      {status.data && ponds.length > 0 && <PondStates status={status.data} navigate={navigate} />}
      {forwards.length > 0 && compact && (
        <ul className="cards" data-testid="connections-table">
          {forwards.map((f) => (
            <li key={idOf(f)} className="card" data-testid={idOf(f)}>
              <div className="card-head">
                <span>
                  <PondLink pond={f.pond} navigate={navigate} /> · <strong>{f.member}</strong> · port {f.remotePort}
                </span>
                <State forward={f} />
              </div>
              <Local forward={f} />
              <div className="row">
                <Traffic forward={f} />
                <Open forward={f} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {forwards.length > 0 && !compact && (
        <table data-testid="connections-table">
          <thead>
            <tr>
              <th scope="col">Pond</th>
              <th scope="col">Member</th>
              <th scope="col">Remote port</th>
              <th scope="col">Local address</th>
              <th scope="col">State</th>
              <th scope="col">Traffic</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {forwards.map((f) => (
              <tr key={idOf(f)} data-testid={idOf(f)}>
                <td>
                  <PondLink pond={f.pond} navigate={navigate} />
                </td>
                <td>{f.member}</td>
                <td>{f.remotePort}</td>
                <td>
                  <Local forward={f} />
                </td>
                <td>
                  <State forward={f} />
                </td>
                <td>
                  <Traffic forward={f} />
                </td>
                <td>
                  <Open forward={f} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
