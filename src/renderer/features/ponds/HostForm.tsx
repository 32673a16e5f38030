import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { HostField } from '../../../contract/index';
import { call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { errorsByField, inputFromForm, type FieldErrors, type HostFormState } from './form';

const FIELDS: { field: keyof HostFormState & HostField; label: string; placeholder: string; hint?: string }[] = [
  { field: 'pond', label: 'Pond', placeholder: 'alpha' },
  { field: 'slug', label: 'Member name (slug)', placeholder: 'web' },
  { field: 'host', label: 'Host', placeholder: 'build-1.example.com or 10.0.0.5' },
  { field: 'port', label: 'SSH port', placeholder: '22' },
  { field: 'user', label: 'User', placeholder: 'ops' },
  { field: 'identityFile', label: 'Identity file', placeholder: '~/.ssh/id_ed25519', hint: 'Leave empty to use the SSH agent.' },
  { field: 'expose', label: 'Exposed ports', placeholder: '8080, 9090', hint: 'Ports on the host to forward, like crabbox --expose; at most 10.' },
];

/**
 * Adds a hand-added SSH host, or edits one (`id`). The engine validates; each refused
 * field gets its message under the input, and nothing is saved until all are right.
 */
export function HostForm({ id, initial, onDone, onCancel }: { id?: string; initial: HostFormState; onDone: () => void; onCancel: () => void }) {
  const [state, setState] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: () => {
      const input = inputFromForm(state);
      return id === undefined ? call('hosts:add', input) : call('hosts:update', { id, patch: input });
    },
    onSuccess: (result) => {
      if (result.ok) {
        setErrors({});
        onDone();
      } else setErrors(errorsByField(result.errors));
    },
  });
  const prefix = id === undefined ? 'host-add' : 'host-edit';
  return (
    <form
      className="stack ponds-host-form"
      data-testid={`${prefix}-form`}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <h3>{id === undefined ? 'Add an SSH host to a pond' : `Edit ${initial.slug}`}</h3>
      <div className="ponds-form-grid">
        {FIELDS.map(({ field, label, placeholder, hint }) => (
          <label key={field}>
            {label}
            <input
              value={state[field]}
              placeholder={placeholder}
              aria-invalid={errors[field] ? true : undefined}
              aria-describedby={errors[field] ? `${prefix}-${field}-error` : undefined}
              onChange={(event) => setState({ ...state, [field]: event.target.value })}
              data-testid={`${prefix}-${field}`}
            />
            {errors[field] ? (
              <span className="ponds-field-error" id={`${prefix}-${field}-error`} data-testid={`${prefix}-${field}-error`}>
                {errors[field]}
              </span>
            ) : (
              hint && <span className="muted">{hint}</span>
            )}
          </label>
        ))}
      </div>
      {save.error && <ErrorBox error={save.error} title="Could not save" />}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending} data-testid={`${prefix}-save`}>
          {id === undefined ? 'Add host' : 'Save'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
