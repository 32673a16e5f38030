import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { forwardBadge, sessionBadge, sessionText, type MeshForwardShape, type MeshMemberShape, type MeshPondShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import type { PondPanelProps } from '../nav';
import { formatBytes, hostKeyConfirmation, isConnected, mergeHealth, pondOf } from './mesh-panel';
import './mesh.css';

type Verb = 'connect' | 'disconnect' | 'retry';
interface Action {
  verb: Verb;
  member?: string;
  remotePort?: number;
}

function HostKeyChanged({ member, onForget, busy }: { member: MeshMemberShape; onForget: () => void; busy: boolean }) {
  const [armed, setArmed] = useState(false);
  if (member.session.state !== 'failed' || !member.session.hostKey) return null;
  const hostKey = member.session.hostKey;
  return (
    <div className="error-box mesh-hostkey" role="alert" data-testid={`mesh-hostkey-${member.member}`}>
      <strong>Host key changed for {member.member}</strong> ({hostKey.host}:{hostKey.port}). This can mean the machine was re-created — or that
      someone is in the middle. Nothing connects until the old key is removed.
      <dl className="facts">
        <dt>On record</dt>
        <dd className="mono" data-testid={`mesh-hostkey-${member.member}-known`}>
          {hostKey.knownFingerprints.join(', ')}
        </dd>
        <dt>Presented now</dt>
        <dd className="mono" data-testid={`mesh-hostkey-${member.member}-presented`}>
          {hostKey.presentedFingerprint} ({hostKey.presentedType})
        </dd>
        <dt>known_hosts</dt>
        <dd className="mono">{hostKey.knownHostsPath}</dd>
      </dl>
      {!armed ? (
        <button type="button" className="small" onClick={() => setArmed(true)} data-testid={`mesh-hostkey-${member.member}-remove`}>
          Remove old key…
        </button>
      ) : (
        <div className="stack">
          <p>{hostKeyConfirmation(member.member, hostKey)}</p>
          <div className="row">
            <button type="button" className="small danger" disabled={busy} onClick={onForget} data-testid={`mesh-hostkey-${member.member}-confirm`}>
              Remove and reconnect
            </button>
            <button type="button" className="small" onClick={() => setArmed(false)}>
              Keep the old key
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function ForwardRow({ forward, act, busy }: { forward: MeshForwardShape; act: (a: Action) => void; busy: boolean }) {
  const badge = forwardBadge(forward);
  const local = forward.localPort !== null ? `127.0.0.1:${forward.localPort}` : null;
  const id = `mesh-forward-${forward.member}-${forward.remotePort}`;
  return (
    <tr data-testid={id}>
      <td className="mono">:{forward.remotePort}</td>
      <td className="mono" data-testid={`${id}-local`}>
        {local ?? <span className="muted">—</span>} {local && <CopyButton text={local} label="Copy" />}
      </td>
      <td>
        <span className={`badge ${badge.tone}`} data-testid={`${id}-state`}>
          {badge.text}
        </span>
      </td>
      <td>{forward.activeConnections}</td>
      <td className="mono">
        ↓ {formatBytes(forward.bytesIn)} ↑ {formatBytes(forward.bytesOut)}
      </td>
      <td>
        {forward.lastError && <div data-testid={`${id}-error`}>{forward.lastError}</div>}
        {forward.moved && (
          <div className="muted" data-testid={`${id}-moved`}>
            Moved from {forward.moved.from} to {forward.moved.to}: {forward.moved.reason}.
          </div>
        )}
      </td>
      <td>
        {forward.state === 'stopped' ? (
          <button type="button" className="small" disabled={busy} onClick={() => act({ verb: 'connect', member: forward.member, remotePort: forward.remotePort })}>
            Connect
          </button>
        ) : (
          <button type="button" className="small" disabled={busy} onClick={() => act({ verb: 'disconnect', member: forward.member, remotePort: forward.remotePort })}>
            Disconnect
          </button>
        )}
      </td>
    </tr>
  );
}

function MemberBlock({ member, act, forget, busy, now }: { member: MeshMemberShape; act: (a: Action) => void; forget: (m: string) => void; busy: boolean; now: number }) {
  const { session } = member;
  return (
    <div className="stack mesh-member" data-testid={`mesh-member-${member.member}`}>
      <div className="row">
        <strong>{member.member}</strong>
        {member.target && (
          <span className="muted mono">
            {member.target.user}@{member.target.host}:{member.target.port}
          </span>
        )}
        <span className={`badge ${session.state}`} data-testid={`mesh-member-${member.member}-state`}>
          {sessionBadge(session)}
        </span>
        <span className="mesh-actions row">
          {(session.state === 'failed' || session.state === 'connecting' || session.state === 'reconnecting') && (
            <button type="button" className="small" disabled={busy} onClick={() => act({ verb: 'retry', member: member.member })} data-testid={`mesh-member-${member.member}-retry`}>
              Retry now
            </button>
          )}
          {session.state === 'stopped' ? (
            <button type="button" className="small" disabled={busy} onClick={() => act({ verb: 'connect', member: member.member })}>
              Connect
            </button>
          ) : (
            <button type="button" className="small" disabled={busy} onClick={() => act({ verb: 'disconnect', member: member.member })}>
              Disconnect
            </button>
          )}
        </span>
      </div>
      <p className="muted" data-testid={`mesh-member-${member.member}-text`}>
        {sessionText(session, now)}
      </p>
      <HostKeyChanged member={member} onForget={() => forget(member.member)} busy={busy} />
      {member.forwards.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Remote</th>
              <th>Local</th>
              <th>State</th>
              <th>Connections</th>
              <th>Traffic</th>
              <th>Notes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {member.forwards.map((f) => (
              <ForwardRow key={f.remotePort} forward={f} act={act} busy={busy} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A pond's SSH forwards: connect, disconnect, retry; live health per member and forward. */
export function MeshPanel({ pond }: PondPanelProps) {
  const queryClient = useQueryClient();
  const key = ['mesh:status', pond];
  // Health changes arrive as events; the poll only refreshes byte and connection counters.
  const status = useQuery({ queryKey: key, queryFn: async () => pondOf(await call('mesh:status', { pond }), pond), refetchInterval: 2_000 });
  useEvent(
    'mesh:health',
    useCallback(
      (health: MeshMemberShape) => {
        if (health.pond === pond) queryClient.setQueryData<MeshPondShape>(['mesh:status', pond], (old) => mergeHealth(old, health));
      },
      [pond, queryClient],
    ),
  );
  const action = useMutation({
    mutationFn: (a: Action) =>
      call(`mesh:${a.verb}`, { pond, ...(a.member !== undefined ? { member: a.member } : {}), ...(a.remotePort !== undefined ? { remotePort: a.remotePort } : {}) }),
    onSuccess: (result) => queryClient.setQueryData(key, result),
  });
  const forget = useMutation({
    mutationFn: (member: string) => call('mesh:forgetHostKey', { pond, member }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const data = status.data ?? { pond, members: [] };
  const connected = isConnected(data);
  const busy = action.isPending || forget.isPending;
  const anyFailed = data.members.some((m) => m.session.state === 'failed');
  const now = Date.now();

  return (
    <section className="stack" data-testid="mesh-panel" aria-label={`SSH forwards of pond ${pond}`}>
      <div className="row">
        {!connected ? (
          <button type="button" className="primary" disabled={busy} onClick={() => action.mutate({ verb: 'connect' })} data-testid="mesh-connect">
            Connect
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => action.mutate({ verb: 'disconnect' })} data-testid="mesh-disconnect">
            Disconnect
          </button>
        )}
        {connected && anyFailed && (
          <button type="button" disabled={busy} onClick={() => action.mutate({ verb: 'retry' })} data-testid="mesh-retry">
            Retry failed members
          </button>
        )}
      </div>
      {status.error && <ErrorBox error={status.error} title="Forwards" />}
      {action.error && <ErrorBox error={action.error} />}
      {forget.error && <ErrorBox error={forget.error} title="Host key" />}
      {!connected && data.members.length === 0 && (
        <p className="muted" data-testid="mesh-idle">
          Not connected. Connect opens one SSH connection per member and a local port on 127.0.0.1 for each exposed port; they stay up across
          network drops and sleep.
        </p>
      )}
      {data.members.map((m) => (
        <MemberBlock key={m.member} member={m} act={(a) => action.mutate(a)} forget={(member) => forget.mutate(member)} busy={busy} now={now} />
      ))}
    </section>
  );
}
