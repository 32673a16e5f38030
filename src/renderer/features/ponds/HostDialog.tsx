import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HostField } from '../../../contract/index';
import { call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { Modal } from '../../ui/Modal';
import { emptyForm, errorsByField, formFromMember, inputFromForm, type FieldErrors, type HostFormState } from './form';
import type { ManualMember } from './members';

const FIELDS: { field: keyof HostFormState & HostField; label: string; placeholder: string; hint?: string }[] = [
  { field: 'pond', label: 'Pond', placeholder: 'alpha' },
  { field: 'slug', label: 'Member name', placeholder: 'web' },
  { field: 'host', label: 'Host', placeholder: 'build-1.example.com or 10.0.0.5' },
  { field: 'port', label: 'SSH port', placeholder: '22' },
  { field: 'user', label: 'User', placeholder: 'ops' },
  { field: 'identityFile', label: 'Private key file', placeholder: '~/.ssh/id_ed25519', hint: 'Leave empty to use the SSH agent.' },
  { field: 'expose', label: 'Exposed ports', placeholder: '8080, 9090', hint: 'Ports on the host to forward, separated by commas; at most 10.' },
];

/**
 * Adds a hand-added SSH host to a pond, or edits one (`member`). The engine checks every
 * field; each refused one gets its words under the input, and nothing is saved until all are right.
 */
export function HostDialog({ pond, member, onClose }: { pond: string; member?: ManualMember; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<HostFormState>(() => (member ? formFromMember(pond, member) : emptyForm(pond)));
  const [errors, setErrors] = useState<FieldErrors>({});
  const ponds = useQuery({ queryKey: ['ponds:list'], queryFn: () => call('ponds:list') });
  const save = useMutation({
    mutationFn: () => {
      const input = inputFromForm(state);
      return member === undefined ? call('hosts:add', input) : call('hosts:update', { id: member.id, patch: input });
    },
    onSuccess: (result) => {
      if (!result.ok) {
        setErrors(errorsByField(result.errors));
        return;
      }
      void queryClient.invalidateQueries({ queryKey: ['ponds:list'] });
      void queryClient.invalidateQueries({ queryKey: ['ponds:get'] });
      onClose();
    },
  });
  const prefix = member === undefined ? 'host-add' : 'host-edit';
  return (
    <Modal
      open
      onClose={onClose}
      testId={`${prefix}-dialog`}
      title={member === undefined ? 'Add an SSH host' : `Edit ${member.slug}`}
      description="A plain SSH server you reach yourself; its exposed ports are forwarded like a crabbox member’s."
    >
      <form
        className="stack"
        data-testid={`${prefix}-form`}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <div className="form-grid">
          {FIELDS.map(({ field, label, placeholder, hint }) => {
            const id = `${prefix}-${field}`;
            const described = errors[field] ? `${id}-error` : hint ? `${id}-hint` : undefined;
            return (
              <div key={field} className="field">
                <label htmlFor={id}>{label}</label>
                <input
                  id={id}
                  value={state[field]}
                  placeholder={placeholder}
                  list={field === 'pond' ? `${prefix}-ponds` : undefined}
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={errors[field] ? true : undefined}
                  aria-describedby={described}
                  onChange={(event) => setState({ ...state, [field]: event.target.value })}
                  data-testid={id}
                />
                {errors[field] ? (
                  <span className="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
                    {errors[field]}
                  </span>
                ) : (
                  hint && (
                    <span className="muted small-print" id={`${id}-hint`}>
                      {hint}
                    </span>
                  )
                )}
              </div>
            );
          })}
        </div>
        <datalist id={`${prefix}-ponds`}>
          {ponds.data?.ponds.map((p) => (
            <option key={p.name} value={p.name} />
          ))}
        </datalist>
        {save.error && <ErrorBox error={save.error} title="Could not save" />}
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending} data-testid={`${prefix}-save`}>
            {member === undefined ? 'Add host' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
