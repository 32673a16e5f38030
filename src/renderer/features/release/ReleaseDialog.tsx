import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReleasePlanShape, ReleaseProgressShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { applyProgress, inFlight, initialProgress, memberStatus } from './progress';

function CrabboxLine({ plan }: { plan: ReleasePlanShape }) {
  const status = plan.crabbox;
  if (status.state === 'ready') {
    return (
      <p className="muted" data-testid="release-crabbox">
        Using crabbox {status.version} <span className="mono">({status.path})</span>
        {status.note && ` — ${status.note}`}
      </p>
    );
  }
  return null;
}

/**
 * The release confirmation: names the pond, lists every member with its provider and what
 * will happen to it, then shows each member's progress and the summary. Closing it does not
 * cancel a running release; "Stop releasing" does (stops already running finish).
 */
export function ReleaseDialog({ pond, onClose }: { pond: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const plan = useQuery({ queryKey: ['release:plan', pond], queryFn: () => call('release:plan', { pond }), staleTime: 0 });
  const normalized = plan.data?.pond ?? '';
  const [progress, setProgress] = useState(() => initialProgress(normalized));
  useEffect(() => setProgress((state) => (state.pond === normalized ? state : initialProgress(normalized))), [normalized]);
  useEvent(
    'release:progress',
    useCallback((event: ReleaseProgressShape) => setProgress((state) => applyProgress(state, event)), []),
  );
  const start = useMutation({ mutationFn: (members: string[]) => call('release:start', { pond, members }) });
  const cancel = useMutation({ mutationFn: () => call('release:cancel', { pond }) });

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const close = () => {
    void queryClient.invalidateQueries();
    dialog.current?.close();
    onClose();
  };

  const data = plan.data;
  const running = start.isPending || (data?.running ?? false) || (inFlight(progress) > 0 && !progress.summary);
  const summary = progress.summary ?? start.data;
  const confirmable = data !== undefined && data.disabledReason === undefined && !running && !summary;

  return (
    <dialog
      ref={dialog}
      aria-labelledby="release-title"
      data-testid="release-dialog"
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <h2 id="release-title">Release pond “{data?.pond ?? pond}”</h2>
      {plan.isPending && <p className="muted">Looking up the pond’s members…</p>}
      {plan.error && <ErrorBox error={plan.error} />}
      {data && (
        <div className="stack">
          {data.members.length > 0 && (
            <p>
              Every crabbox lease below is stopped with <span className="mono">crabbox stop</span> (four at a time) and
              every hand-added host is forgotten; those machines are not touched. The pond’s forwards are disconnected first.
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
            <table data-testid="release-members">
              <thead>
                <tr>
                  <th>Member</th>
                  <th>Provider</th>
                  <th>What happens</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {data.members.map((member) => {
                  const status = memberStatus(progress.members[member.key], member.action);
                  return (
                    <tr key={member.key} data-testid={`release-member-${member.id}`}>
                      <td>
                        {member.slug || '—'}
                        <div className="mono muted">{member.id}</div>
                      </td>
                      <td>{member.provider || '—'}</td>
                      <td>{member.detail}</td>
                      <td>
                        {status && (
                          <>
                            <span className={`badge ${status.tone}`} data-testid="release-member-status">
                              {status.label}
                            </span>
                            {status.detail && <div className="muted">{status.detail}</div>}
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {summary && (
            <div data-testid="release-summary" role="status">
              <strong>{summary.message}</strong>
              {summary.notes.map((note) => (
                <p key={note} className="muted">
                  {note}
                </p>
              ))}
            </div>
          )}
          {start.error && <ErrorBox error={start.error} title="Release did not finish cleanly" />}
          {cancel.error && <ErrorBox error={cancel.error} />}
        </div>
      )}
      <div className="row" style={{ justifyContent: 'flex-end', marginTop: 16 }}>
        {running && (
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending || cancel.data?.cancelled} data-testid="release-cancel">
            {cancel.data?.cancelled ? 'Stopping after the running members…' : 'Stop releasing'}
          </button>
        )}
        {confirmable && data.members.length > 0 && (
          <button
            type="button"
            className="danger"
            data-testid="release-confirm"
            onClick={() => start.mutate(data.members.map((m) => m.key))}
          >
            Release {data.members.length} member{data.members.length === 1 ? '' : 's'}
          </button>
        )}
        <button type="button" onClick={close} data-testid="release-close">
          {summary || !confirmable ? 'Close' : 'Cancel'}
        </button>
      </div>
    </dialog>
  );
}
