import { useState } from 'react';
import { forwardBadge, sessionBadge, sessionText, type MeshForwardShape, type MeshMemberShape, type PortChoiceShape } from '../../../contract/index';
import { Badge } from '../../ui/Badge';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import { OpenInBrowser } from '../../ui/OpenInBrowser';
import { forwardTone, sessionTone } from '../../ui/tones';
import { useCompact } from '../../ui/use-media';
import { useNow } from '../../ui/use-now';
import type { PondPanelProps } from '../nav';
import { LocalPorts } from '../ports/LocalPorts';
import { PortEdit } from '../ports/PortEdit';
import { choiceOf } from '../ports/port-edit';
import { usePortChoices } from '../ports/use-ports';
import { browserAddress, formatBytes, hasCountdown, hostKeyConfirmation, isConnected, pondOf } from './mesh-panel';
import { useForgetHostKey, useMeshAction, useMeshStatus, type MeshAction } from './use-mesh';

type Act = (action: Omit<MeshAction, 'pond'>) => void;

function HostKeyChanged({ member, onForget, busy }: { member: MeshMemberShape; onForget: () => void; busy: boolean }) {
  const [armed, setArmed] = useState(false);
  if (member.session.state !== 'failed' || !member.session.hostKey) return null;
  const hostKey = member.session.hostKey;
  return (
    <div className="error-box hostkey" role="alert" data-testid={`mesh-hostkey-${member.member}`}>
      <strong>Host key changed for {member.member}</strong> (<span className="address">{`${hostKey.host}:${hostKey.port}`}</span>). This can mean the machine was re-created — or that
      someone is in the middle. Nothing connects until the old key is removed.
      <dl className="facts">
        <dt>On record</dt>
        <dd className="fingerprint" data-testid={`mesh-hostkey-${member.member}-known`}>
          {hostKey.knownFingerprints.join(', ')}
        </dd>
        <dt>Presented now</dt>
        <dd className="fingerprint" data-testid={`mesh-hostkey-${member.member}-presented`}>
          {hostKey.presentedFingerprint} ({hostKey.presentedType})
        </dd>
        <dt>Known hosts file</dt>
        <dd className="path">{hostKey.knownHostsPath}</dd>
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

/** The forward's local address with Copy, whether the user chose it, and Change port. */
function Local({ forward, id, choices }: { forward: MeshForwardShape; id: string; choices: readonly PortChoiceShape[] | undefined }) {
  const local = forward.localPort !== null ? `127.0.0.1:${forward.localPort}` : null;
  const chosen = choiceOf(choices, forward.member, forward.remotePort)?.chosen ?? null;
  return (
    <span className="stack local-port">
      {local === null ? (
        <span className="muted">none yet</span>
      ) : (
        <span className="address-copy">
          <span className="address" data-testid={`${id}-local`}>
            {local}
          </span>
          <CopyButton text={local} what={local} />
          {chosen !== null && chosen === forward.localPort && (
            <span className="muted small-print" data-testid={`${id}-chosen`}>
              chosen
            </span>
          )}
        </span>
      )}
      <PortEdit forward={forward} chosen={chosen} current={forward.localPort} testId={id} />
    </span>
  );
}

function Notes({ forward, id }: { forward: MeshForwardShape; id: string }) {
  return (
    <>
      {forward.lastError && <div data-testid={`${id}-error`}>{forward.lastError}</div>}
      {forward.moved && (
        <div className="muted" data-testid={`${id}-moved`}>
          Moved from port {forward.moved.from} to {forward.moved.to}: {forward.moved.reason}.
        </div>
      )}
    </>
  );
}

/** The forward's own buttons: Open in browser for a web port, and Connect or Disconnect of this one forward. */
function ForwardActions({ forward, act, busy }: { forward: MeshForwardShape; act: Act; busy: boolean }) {
  const url = browserAddress(forward);
  const label = `port ${forward.remotePort} of ${forward.member}`;
  return (
    <span className="row nowrap-row">
      {url && <OpenInBrowser url={url} />}
      {forward.state === 'stopped' ? (
        <button type="button" className="small" disabled={busy} aria-label={`Connect ${label}`} onClick={() => act({ verb: 'connect', member: forward.member, remotePort: forward.remotePort })}>
          Connect
        </button>
      ) : (
        <button type="button" className="small" disabled={busy} aria-label={`Disconnect ${label}`} onClick={() => act({ verb: 'disconnect', member: forward.member, remotePort: forward.remotePort })}>
          Disconnect
        </button>
      )}
    </span>
  );
}

function Traffic({ forward }: { forward: MeshForwardShape }) {
  return (
    <span className="nowrap">
      <span aria-label="received">↓</span> {formatBytes(forward.bytesIn)} <span aria-label="sent">↑</span> {formatBytes(forward.bytesOut)}
    </span>
  );
}

type Choices = readonly PortChoiceShape[] | undefined;

function ForwardRow({ forward, act, busy, choices }: { forward: MeshForwardShape; act: Act; busy: boolean; choices: Choices }) {
  const badge = forwardBadge(forward);
  const id = `mesh-forward-${forward.member}-${forward.remotePort}`;
  return (
    <tr data-testid={id}>
      <td className="nowrap">{forward.remotePort}</td>
      <td>
        <Local forward={forward} id={id} choices={choices} />
      </td>
      <td>
        <Badge tone={forwardTone(badge.tone)} testId={`${id}-state`}>
          {badge.text}
        </Badge>
      </td>
      <td>{forward.activeConnections}</td>
      <td>
        <Traffic forward={forward} />
      </td>
      <td>
        <Notes forward={forward} id={id} />
      </td>
      <td>
        <ForwardActions forward={forward} act={act} busy={busy} />
      </td>
    </tr>
  );
}

function ForwardCard({ forward, act, busy, choices }: { forward: MeshForwardShape; act: Act; busy: boolean; choices: Choices }) {
  const badge = forwardBadge(forward);
  const id = `mesh-forward-${forward.member}-${forward.remotePort}`;
  return (
    <li className="card" data-testid={id}>
      <div className="card-head">
        <strong>Port {forward.remotePort}</strong>
        <Badge tone={forwardTone(badge.tone)} testId={`${id}-state`}>
          {badge.text}
        </Badge>
      </div>
      <dl className="facts">
        <dt>Local address</dt>
        <dd>
          <Local forward={forward} id={id} choices={choices} />
        </dd>
        <dt>Traffic</dt>
        <dd>
          <Traffic forward={forward} /> <span className="muted nowrap">{forward.activeConnections === 1 ? '1 connection' : `${forward.activeConnections} connections`}</span>
        </dd>
      </dl>
      <Notes forward={forward} id={id} />
      <ForwardActions forward={forward} act={act} busy={busy} />
    </li>
  );
}

function MemberBlock({
  member,
  act,
  forget,
  busy,
  now,
  compact,
  choices,
}: {
  member: MeshMemberShape;
  act: Act;
  forget: (m: string) => void;
  busy: boolean;
  now: number;
  compact: boolean;
  choices: Choices;
}) {
  const { session } = member;
  return (
    <section className="stack mesh-member" data-testid={`mesh-member-${member.member}`} aria-label={`Member ${member.member}`}>
      <div className="row">
        <h2 className="member-title">{member.member}</h2>
        {member.target && <span className="muted address">{`${member.target.user}@${member.target.host}:${member.target.port}`}</span>}
        <Badge tone={sessionTone(session.state)} testId={`mesh-member-${member.member}-state`}>
          {sessionBadge(session)}
        </Badge>
        <span className="row push-end">
          {(session.state === 'failed' || session.state === 'connecting' || session.state === 'reconnecting') && (
            <button type="button" className="small" disabled={busy} onClick={() => act({ verb: 'retry', member: member.member })} data-testid={`mesh-member-${member.member}-retry`}>
              Retry now
            </button>
          )}
          {session.state === 'stopped' ? (
            <button type="button" className="small" disabled={busy} aria-label={`Connect ${member.member}`} onClick={() => act({ verb: 'connect', member: member.member })}>
              Connect
            </button>
          ) : (
            <button type="button" className="small" disabled={busy} aria-label={`Disconnect ${member.member}`} onClick={() => act({ verb: 'disconnect', member: member.member })}>
              Disconnect
            </button>
          )}
        </span>
      </div>
      <p className="muted" data-testid={`mesh-member-${member.member}-text`} aria-live="off">
        {sessionText(session, now)}
      </p>
      <HostKeyChanged member={member} onForget={() => forget(member.member)} busy={busy} />
      {member.forwards.length > 0 && compact && (
        <ul className="cards">
          {member.forwards.map((f) => (
            <ForwardCard key={f.remotePort} forward={f} act={act} busy={busy} choices={choices} />
          ))}
        </ul>
      )}
      {member.forwards.length > 0 && !compact && (
        <table>
          <thead>
            <tr>
              <th scope="col">Remote port</th>
              <th scope="col">Local address</th>
              <th scope="col">State</th>
              <th scope="col">Connections</th>
              <th scope="col">Traffic</th>
              <th scope="col">Notes</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {member.forwards.map((f) => (
              <ForwardRow key={f.remotePort} forward={f} act={act} busy={busy} choices={choices} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A pond's SSH forwards member by member: live health, a countdown that ticks, retry, and each forward's address. */
export function MeshPanel({ pond }: PondPanelProps) {
  const status = useMeshStatus();
  const action = useMeshAction();
  const forget = useForgetHostKey();
  const choices = usePortChoices(pond);
  const compact = useCompact();
  const data = pondOf(status.data, pond);
  const now = useNow(hasCountdown([data]));
  const connected = isConnected(data);
  const busy = action.isPending || forget.isPending;
  const anyFailed = data.members.some((m) => m.session.state === 'failed');
  const act: Act = (a) => action.mutate({ ...a, pond });

  return (
    <section className="stack" data-testid="mesh-panel" aria-label={`SSH forwards of pond ${pond}`}>
      {status.error && <ErrorBox error={status.error} title="Forwards" />}
      {action.error && <ErrorBox error={action.error} />}
      {forget.error && <ErrorBox error={forget.error} title="Host key" />}
      {!connected && data.members.length === 0 && (
        <>
          <p className="muted" data-testid="mesh-idle">
            Not connected. Connect opens one SSH connection per member and a local port on 127.0.0.1 for each exposed port; they stay up across network drops
            and sleep.
          </p>
          <LocalPorts pond={pond} />
        </>
      )}
      {connected && anyFailed && (
        <div className="row">
          <button type="button" disabled={busy} onClick={() => act({ verb: 'retry' })} data-testid="mesh-retry">
            Retry failed members
          </button>
        </div>
      )}
      {data.members.map((m) => (
        <MemberBlock key={m.member} member={m} act={act} forget={(member) => forget.mutate({ pond, member })} busy={busy} now={now} compact={compact} choices={choices.data} />
      ))}
    </section>
  );
}
