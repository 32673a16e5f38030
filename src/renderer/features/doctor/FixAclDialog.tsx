import { useMutation, useQuery } from '@tanstack/react-query';
import type { PondCheckShape } from '../../../contract/index';
import { ApiError, call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { Modal } from '../../ui/Modal';
import { diffLineKind } from './doctor-view';

function Diff({ text }: { text: string }) {
  return (
    <pre className="code-block pre diff" tabIndex={0} aria-label="The change to the policy" data-testid="doctor-fix-diff">
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
 * Fix it: shows the exact change to the tailnet policy first, and writes it only when the
 * user confirms — and only if the policy is still the version they reviewed.
 */
export function FixAclDialog({ pond, onClose, onApplied }: { pond: string; onClose: () => void; onApplied: (acl: PondCheckShape | null) => void }) {
  const preview = useQuery({ queryKey: ['doctor:aclPreview', pond], queryFn: () => call('doctor:aclPreview', { pond }), staleTime: 0, gcTime: 0, retry: false });
  const apply = useMutation({
    mutationFn: (expectedEtag: string) => call('doctor:bootstrapAcl', { pond, expectedEtag }),
    onSuccess: (result) => onApplied(result.acl),
  });
  const data = preview.data;
  const conflict = apply.error instanceof ApiError && apply.error.code === 'CONFLICT';

  return (
    <Modal open onClose={onClose} testId="doctor-fix-dialog" title="Add the pond rows to the tailnet policy" wide>
      <div className="stack">
        {preview.isPending && <p className="muted">Reading the tailnet policy…</p>}
        {preview.error && <ErrorBox error={preview.error} title="Reading the policy" />}
        {data && data.alreadyPresent && <p data-testid="doctor-fix-present">The rows for {data.tag} are already in the policy; nothing to change.</p>}
        {data && !data.alreadyPresent && !apply.isSuccess && (
          <>
            <p>
              This change gives <code>{data.tag}</code> an owner (autogroup:admin) and lets members carrying it reach each other. Nothing else in the policy
              changes: comments, order and layout stay as they are. It is written only if nobody changed the policy since it was read.
            </p>
            <Diff text={data.diff} />
          </>
        )}
        {apply.error && <ErrorBox error={apply.error} title="Changing the policy" />}
        {apply.isSuccess && (
          <p data-testid="doctor-fix-done" role="status">
            {apply.data.outcome === 'updated' ? `Added the rows for ${apply.data.tag}.` : `The rows for ${apply.data.tag} were already there.`}
          </p>
        )}
        <div className="row end">
          <button type="button" onClick={onClose} data-testid="doctor-fix-close">
            {apply.isSuccess ? 'Close' : 'Cancel'}
          </button>
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
          {data && !data.alreadyPresent && !apply.isSuccess && !conflict && (
            <button type="button" className="primary" disabled={apply.isPending} onClick={() => apply.mutate(data.etag)} data-testid="doctor-fix-apply">
              {apply.isPending ? 'Changing the policy…' : 'Apply this change'}
            </button>
          )}
        </div>
      </div>
    </Modal>
  );
}
