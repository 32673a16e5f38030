import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { PondCheckShape } from '../../../contract/index';
import { ApiError, call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { diffLineKind } from './doctor-view';

function Diff({ text }: { text: string }) {
  return (
    <pre className="doctor-diff mono" data-testid="doctor-fix-diff">
      {text
        .trimEnd()
        .split('\n')
        .map((line, i) => (
          <span key={i} className={`diff-${diffLineKind(line)}`}>
            {line}
            {'\n'}
          </span>
        ))}
    </pre>
  );
}

/**
 * "Fix it": shows the exact change to the tailnet policy first, and writes it only when
 * the user confirms — and only if the policy is still the version they reviewed.
 */
export function FixAclDialog({ pond, onClose, onApplied }: { pond: string; onClose: () => void; onApplied: (acl: PondCheckShape | null) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const preview = useQuery({ queryKey: ['doctor:aclPreview', pond], queryFn: () => call('doctor:aclPreview', { pond }), staleTime: 0, gcTime: 0, retry: false });
  const apply = useMutation({
    mutationFn: (expectedEtag: string) => call('doctor:bootstrapAcl', { pond, expectedEtag }),
    onSuccess: (result) => onApplied(result.acl),
  });

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const close = () => {
    dialog.current?.close();
    onClose();
  };
  const data = preview.data;
  const conflict = apply.error instanceof ApiError && apply.error.code === 'CONFLICT';

  return (
    <dialog ref={dialog} aria-labelledby="doctor-fix-title" data-testid="doctor-fix-dialog" onCancel={close} className="doctor-dialog">
      <div className="stack">
        <h2 id="doctor-fix-title">Add the pond rows to the tailnet policy</h2>
        {preview.isPending && <p className="muted">Reading the tailnet policy…</p>}
        {preview.error && <ErrorBox error={preview.error} title="Reading the policy" />}
        {data && data.alreadyPresent && <p data-testid="doctor-fix-present">The rows for {data.tag} are already in the policy; nothing to change.</p>}
        {data && !data.alreadyPresent && !apply.isSuccess && (
          <>
            <p>
              This change gives <span className="mono">{data.tag}</span> an owner (autogroup:admin) and lets members carrying it reach
              each other. Nothing else in the policy changes: comments, order and layout stay as they are. It is written only if
              nobody changed the policy since it was read.
            </p>
            <Diff text={data.diff} />
          </>
        )}
        {apply.error && <ErrorBox error={apply.error} title="Changing the policy" />}
        {apply.isSuccess && (
          <p data-testid="doctor-fix-done">
            {apply.data.outcome === 'updated' ? `Added the rows for ${apply.data.tag}.` : `The rows for ${apply.data.tag} were already there.`}
          </p>
        )}
        <div className="row">
          {data && !data.alreadyPresent && !apply.isSuccess && !conflict && (
            <button type="button" className="primary" disabled={apply.isPending} onClick={() => apply.mutate(data.etag)} data-testid="doctor-fix-apply">
              {apply.isPending ? 'Changing the policy…' : 'Apply this change'}
            </button>
          )}
          {conflict && (
            <button
              type="button"
              onClick={() => {
                apply.reset();
                void preview.refetch();
              }}
              data-testid="doctor-fix-review"
            >
              Review the new version
            </button>
          )}
          <button type="button" onClick={close} data-testid="doctor-fix-close">
            {apply.isSuccess ? 'Close' : 'Cancel'}
          </button>
        </div>
      </div>
    </dialog>
  );
}
