import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BridgeMemberShape, BridgeTargetView } from '../../../contract/index';
import { call } from '../../api/client';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import type { PondPanelProps } from '../nav';
import { expiryLabel, memberStatus, parsePortInput, portChoices } from './bridge-panel';
import './bridge.css';

/** A URL with Copy and "Open in browser" (only for links the engine produced). */
function TargetLine({ target }: { target: BridgeTargetView }) {
  const open = useMutation({ mutationFn: (url: string) => call('app:openExternal', { url }) });
  const expiry = expiryLabel(target.expiresAt, Date.now());
  return (
    <li className="row" data-testid="bridge-target">
      {target.port > 0 && <span className="badge url">:{target.port}</span>}
      <span className="mono" data-testid="bridge-target-url">
        {target.url}
      </span>
      {expiry && <span className="muted small">{expiry}</span>}
      <CopyButton text={target.url} label="Copy" />
      <button
        type="button"
        className="small"
        disabled={!target.openUrl || open.isPending}
        onClick={() => target.openUrl && open.mutate(target.openUrl)}
        data-testid="bridge-open"
      >
        Open in browser
      </button>
      {open.data?.opened === false && <span className="muted small">This window cannot open a browser; copy the URL instead.</span>}
      {open.error && <ErrorBox error={open.error} title="Open in browser" />}
    </li>
  );
}

function PublishForm({ pond, member }: { pond: string; member: BridgeMemberShape }) {
  const queryClient = useQueryClient();
  const choices = portChoices(member);
  const [portText, setPortText] = useState(choices[0] ? String(choices[0]) : '');
  const [inputError, setInputError] = useState<string | null>(null);
  const publish = useMutation({
    mutationFn: (port: number) => call('bridge:publish', { pond, leaseID: member.leaseID, port }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['bridge:members', pond] }),
  });
  const listId = `bridge-ports-${member.leaseID}`;
  return (
    <div className="stack">
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = parsePortInput(portText);
          setInputError(parsed.ok ? null : parsed.error);
          if (parsed.ok) publish.mutate(parsed.port);
        }}
      >
        <label>
          Port
          <input
            value={portText}
            onChange={(event) => setPortText(event.target.value)}
            list={listId}
            inputMode="numeric"
            size={7}
            aria-label={`Port of ${member.slug || member.leaseID} to publish`}
            data-testid="bridge-port"
          />
          <datalist id={listId}>
            {choices.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </label>
        <button type="submit" className="primary" disabled={publish.isPending} data-testid="bridge-publish">
          {publish.isPending ? 'Publishing…' : 'Publish URL'}
        </button>
      </form>
      {inputError && (
        <div className="error-box" role="alert">
          {inputError}
        </div>
      )}
      {publish.error && <ErrorBox error={publish.error} title="Publish URL" />}
      {publish.data && (
        <ul className="stack bridge-list" data-testid="bridge-published">
          <TargetLine target={publish.data.target} />
        </ul>
      )}
    </div>
  );
}

function MemberCard({ pond, member }: { pond: string; member: BridgeMemberShape }) {
  const status = memberStatus(member);
  return (
    <li className="panel stack" data-testid="bridge-member">
      <div className="row">
        <strong>{member.slug || member.leaseID}</strong>
        <span className="badge url">{member.provider}</span>
        <span className={`badge ${member.transport}`}>{member.transport}</span>
        <span className="mono muted">{member.leaseID}</span>
      </div>
      <p className={status.tone === 'bad' ? 'error-box bridge-status' : 'muted bridge-status'} data-testid="bridge-status">
        {status.text}
      </p>
      {member.targets.length > 0 && (
        <ul className="stack bridge-list">
          {member.targets.map((t) => (
            <TargetLine key={`${t.port} ${t.url}`} target={t} />
          ))}
        </ul>
      )}
      {member.publishable && <PublishForm pond={pond} member={member} />}
    </li>
  );
}

/** On a pond's page: its Islo, E2B and Railway members, their public URLs, and "Publish URL". */
export function BridgePondPanel({ pond }: PondPanelProps) {
  const members = useQuery({ queryKey: ['bridge:members', pond], queryFn: () => call('bridge:members', { pond }), staleTime: 30_000 });
  const view = members.data;
  return (
    <section className="stack" data-testid="bridge-panel" aria-label={`Public URLs of pond ${pond}`}>
      <div className="row">
        <button type="button" className="small" onClick={() => void members.refetch()} disabled={members.isFetching} data-testid="bridge-refresh">
          {members.isFetching ? 'Asking providers…' : 'Refresh'}
        </button>
        <span className="muted">Members on Islo, E2B and Railway are reached through public HTTPS URLs their provider serves.</span>
      </div>
      {members.error && <ErrorBox error={members.error} title="Public URLs" />}
      {view?.problems.map((p) => (
        <div key={p} className="error-box" role="alert" data-testid="bridge-problem">
          {p}
        </div>
      ))}
      {view && view.members.length === 0 && <p className="muted">This pond has no members on a URL provider.</p>}
      {view && view.members.length > 0 && (
        <ul className="stack bridge-list">
          {view.members.map((m) => (
            <MemberCard key={m.leaseID} pond={pond} member={m} />
          ))}
        </ul>
      )}
    </section>
  );
}
