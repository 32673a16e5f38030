import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { ReleasePlanShape, ReleaseProgressShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { ErrorBox } from '../../ui/ErrorBox';
import { Modal } from '../../ui/Modal';
import { useCompact } from '../../ui/use-media';
import { providerName } from '../ponds/members';
import { applyProgress, confirmMatches, inFlight, initialProgress, memberStatus, summaryText } from './progress';

function CrabboxLine({ plan }: { plan: ReleasePlanShape }) {
  const status = plan.crabbox;
  if (status.state !== 'ready') return null;
  return (
    <p className="muted small-print" data-testid="release-crabbox">
      Using crabbox {status.version} (<span className="path">{status.path}</span>)
      {status.note && ` — ${status.note}`}
    </p>
  );
}

/**
 * The release confirmation, at window level so it outlives the pond's page: names the pond,
 * lists every member with what will happen to it, asks for the pond's name to confirm, then
 * shows each member's progress and always ends on the summary. Closing it does not cancel a
 * running release; Stop releasing does (members already stopping finish).
 */
export function ReleaseDialog({ pond, onClose }: { pond: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const compact = useCompact();
  const plan = useQuery({ queryKey: ['release:plan', pond], queryFn: () => call('release:plan', { pond }), staleTime: 0, gcTime: 0 });
  const normalized = plan.data?.pond ?? '';
  const [progress, setProgress] = useState(() => initialProgress(normalized));
  const [typed, setTyped] = useState('');
  useEffect(() => setProgress((state) => (state.pond === normalized ? state : initialProgress(normalized))), [normalized]);
  useEvent(
    'release:progress',
    useCallback((event: ReleaseProgressShape) => setProgress((state) => applyProgress(state, event)), []),
  );
  const start = useMutation({ mutationFn: (members: string[]) => call('release:start', { pond, members }) });
  const cancel = useMutation({ mutationFn: () => call('release:cancel', { pond }) });

  const close = () => {
    void queryClient.invalidateQueries();
    onClose();
  };

  const data = plan.data;
  const summary = progress.summary ?? start.data;
  const running = !summary && (start.isPending || (data?.running ?? false) || inFlight(progress) > 0);
  const confirmable = data !== undefined && data.disabledReason === undefined && !running && !summary && data.members.length > 0;
  const name = data?.pond ?? pond;
  const matches = confirmMatches(typed, name);

  return (
    <Modal open onClose={close} testId="release-dialog" title={`Release pond ${name}`} wide>
      {plan.isPending && <p className="muted">Looking up the pond’s members…</p>}
      {plan.error && <ErrorBox error={plan.error} />}
      {data && (
        <div className="stack">
          {data.members.length > 0 && !summary && (
            <p>
              Every crabbox lease below is stopped with your own crabbox (four at a time) and every hand-added host is forgotten; those machines are not
              touched. The pond’s forwards are disconnected first.
            </p>
          )}
          <CrabboxLine plan={data} />
          {data.disabledReason !== undefined && (
            <div className="error-box" role="alert" data-testid="release-disabled">
              {data.disabledReason}
            </div>
          )}
          {data.warnings.map((warning) => (
            <p key={warning} className="muted">
              Warning: {warning}
            </p>
          ))}
          {data.members.length > 0 && (
            <ul className={compact ? 'cards' : 'release-members'} data-testid="release-members">
              {data.members.map((member) => {
                const status = memberStatus(progress.members[member.key], member.action);
                return (
                  <li key={member.key} className={compact ? 'card' : 'release-member'} data-testid={`release-member-${member.id}`}>
                    <span className="release-who">
                      <strong>{member.slug || member.id}</strong> <span className="muted nowrap">{member.provider ? providerName(member.provider) : 'hand-added'}</span>
                      <span className="muted small-print nowrap"> {member.id}</span>
                    </span>
                    <span className="release-what muted">{member.detail}</span>
                    <span className="release-status">
                      {status && (
                        <>
                          <Badge tone={status.tone === 'stopped' ? 'neutral' : status.tone} testId="release-member-status">
                            {status.label}
                          </Badge>
                          {status.detail && <span className="small-print"> {status.detail}</span>}
                        </>
                      )}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
          {summary && (
            <div className={summary.status === 'failed' ? 'error-box' : 'summary'} data-testid="release-summary" role={summary.status === 'failed' ? 'alert' : 'status'}>
              <strong>{summaryText(summary)}</strong>
              {summary.notes.map((note) => (
                <p key={note}>{note}</p>
              ))}
            </div>
          )}
          {start.error && !summary && <ErrorBox error={start.error} title="The release did not finish" />}
          {cancel.error && <ErrorBox error={cancel.error} />}
          {confirmable && (
            <form
              className="stack"
              onSubmit={(event) => {
                event.preventDefault();
                if (matches) start.mutate(data.members.map((m) => m.key));
              }}
            >
              <label className="field">
                <span>
                  To confirm, type the pond’s name: <strong className="nowrap">{name}</strong>
                </span>
                <input value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} data-testid="release-confirm-name" />
              </label>
              <div className="row end">
                <button type="button" onClick={close} data-testid="release-close">
                  Cancel
                </button>
                <button type="submit" className="danger solid" disabled={!matches} data-testid="release-confirm">
                  Release {data.members.length === 1 ? '1 member' : `${data.members.length} members`}
                </button>
              </div>
            </form>
          )}
        </div>
      )}
      {!confirmable && (
        <div className="row end">
          {running && (
            <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.data?.cancelled} data-testid="release-cancel">
              {cancel.data?.cancelled ? 'Stopping after the running members…' : 'Stop releasing'}
            </button>
          )}
          <button type="button" onClick={close} data-testid="release-close">
            Close
          </button>
        </div>
      )}
    </Modal>
  );
}
