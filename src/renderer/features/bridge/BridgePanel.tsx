import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BridgeMemberShape, BridgeTargetView } from '../../../contract/index';
import { call } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import { OpenInBrowser } from '../../ui/OpenInBrowser';
import type { PondPanelProps } from '../nav';
import { providerName, reachOf } from '../ponds/members';
import { expiryLabel, memberStatus, parsePortInput, portChoices, targetsWith } from './bridge-panel';

/** A URL with Copy and Open in browser (only for links the engine produced); a just-published one is marked. */
function TargetLine({ target, fresh }: { target: BridgeTargetView; fresh: boolean }) {
  const expiry = expiryLabel(target.expiresAt, Date.now());
  return (
    <li className="target" data-testid={fresh ? 'bridge-published' : 'bridge-target'}>
      <span className="row">
        {target.port > 0 && <span className="port">{target.port}</span>}
        <span className="url" data-testid="bridge-target-url">
          {target.url}
        </span>
        {fresh && <Badge tone="ok">just published</Badge>}
      </span>
      <span className="row">
        {expiry && <span className="muted small-print nowrap">{expiry}</span>}
        <CopyButton text={target.url} what={target.url} />
        <OpenInBrowser url={target.openUrl} testId="bridge-open" />
      </span>
    </li>
  );
}

function PublishForm({ member, publish }: { member: BridgeMemberShape; publish: (port: number) => void }) {
  const choices = portChoices(member);
  const [portText, setPortText] = useState(choices[0] ? String(choices[0]) : '');
  const [inputError, setInputError] = useState<string | null>(null);
  const name = member.slug || member.leaseID;
  const listId = `bridge-ports-${member.leaseID}`;
  const inputId = `bridge-port-${member.leaseID}`;
  return (
    <form
      className="row"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = parsePortInput(portText);
        setInputError(parsed.ok ? null : parsed.error);
        if (parsed.ok) publish(parsed.port);
      }}
    >
      <label className="inline-field" htmlFor={inputId}>
        Port of {name}
      </label>
      <input
        id={inputId}
        value={portText}
        onChange={(event) => setPortText(event.target.value)}
        list={listId}
        inputMode="numeric"
        size={7}
        aria-invalid={inputError ? true : undefined}
        aria-describedby={inputError ? `${inputId}-error` : undefined}
        data-testid="bridge-port"
      />
      <datalist id={listId}>
        {choices.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <button type="submit" data-testid="bridge-publish">
        Publish URL
      </button>
      {inputError && (
        <span className="field-error" role="alert" id={`${inputId}-error`}>
          {inputError}
        </span>
      )}
    </form>
  );
}

function MemberCard({ pond, member }: { pond: string; member: BridgeMemberShape }) {
  const queryClient = useQueryClient();
  const status = memberStatus(member);
  const reach = reachOf(member);
  const publish = useMutation({
    mutationFn: (port: number) => call('bridge:publish', { pond, leaseID: member.leaseID, port }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['bridge:members', pond] }),
  });
  const targets = targetsWith(member, publish.data?.target);
  return (
    <li className="card stack" data-testid="bridge-member">
      <div className="card-head">
        <strong>{member.slug || member.leaseID}</strong>
        <span className="row">
          <span className="muted">{providerName(member.provider)}</span>
          <Badge tone={reach.tone}>{reach.label}</Badge>
        </span>
      </div>
      <p className={status.tone === 'bad' ? 'error-box bridge-status' : 'muted bridge-status'} data-testid="bridge-status">
        {status.text}
      </p>
      {status.detail && (
        <details className="small-print">
          <summary>What {providerName(member.provider)} said</summary>
          {status.detail}
        </details>
      )}
      {targets.length > 0 && (
        <ul className="targets">
          {targets.map((t) => (
            <TargetLine key={`${t.port} ${t.url}`} target={t} fresh={t.url === publish.data?.target.url} />
          ))}
        </ul>
      )}
      {member.publishable && <PublishForm member={member} publish={(port) => publish.mutate(port)} />}
      {publish.isPending && <p className="muted small-print">Publishing…</p>}
      {publish.error && <ErrorBox error={publish.error} title="Publish URL" />}
    </li>
  );
}

/** On a pond's page: its Islo, E2B and Railway members, their public URLs, and Publish URL. */
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
      {view && view.problems.length > 0 && (
        <details className="small-print" data-testid="bridge-problems">
          <summary>{view.problems.length === 1 ? 'A provider could not be asked' : `${view.problems.length} providers could not be asked`}: what they said</summary>
          <ul>
            {view.problems.map((p) => (
              <li key={p} data-testid="bridge-problem">
                {p}
              </li>
            ))}
          </ul>
        </details>
      )}
      {view && view.members.length === 0 && <p className="muted">This pond has no members on a URL provider.</p>}
      {view && view.members.length > 0 && (
        <ul className="cards">
          {view.members.map((m) => (
            <MemberCard key={m.leaseID} pond={pond} member={m} />
          ))}
        </ul>
      )}
    </section>
  );
}
