import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CredentialStatusShape, CredentialsListShape } from '../../../contract/index';
import { call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import { credentialSource } from './bridge-panel';

function CredentialRow({ credential, storageAvailable }: { credential: CredentialStatusShape; storageAvailable: boolean }) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');
  const update = (list: CredentialsListShape) => {
    queryClient.setQueryData(['credentials:list'], list);
    void queryClient.invalidateQueries({ queryKey: ['bridge:members'] });
  };
  const save = useMutation({
    mutationFn: (v: string) => call('credentials:set', { name: credential.name, value: v }),
    onSuccess: (list) => {
      setValue('');
      update(list);
    },
  });
  const clear = useMutation({ mutationFn: () => call('credentials:clear', { name: credential.name }), onSuccess: update });
  const saved = credential.source === 'app' || credential.source === 'unreadable' || credential.shadowed;
  return (
    <li className="stack" data-testid={`credential-${credential.name}`}>
      <form
        className="row credential-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim() !== '') save.mutate(value);
        }}
      >
        <label className="field">
          <span>{credential.label}</span>
          <input
            type={credential.secret ? 'password' : 'text'}
            autoComplete="off"
            spellCheck={false}
            value={value}
            placeholder={credential.source === 'app' || credential.source === 'unreadable' ? 'enter a new value to replace it' : ''}
            size={36}
            onChange={(event) => setValue(event.target.value)}
            disabled={!storageAvailable}
            data-testid={`credential-input-${credential.name}`}
          />
        </label>
        <button type="submit" disabled={!storageAvailable || value.trim() === '' || save.isPending} data-testid={`credential-save-${credential.name}`}>
          Save
        </button>
        {saved && (
          <button type="button" className="danger small" onClick={() => clear.mutate()} disabled={clear.isPending} data-testid={`credential-clear-${credential.name}`}>
            Clear saved value
          </button>
        )}
      </form>
      <span className={credential.source === 'unreadable' ? 'error-box' : 'muted'} data-testid={`credential-source-${credential.name}`}>
        {credentialSource(credential)}
      </span>
      {save.error && <ErrorBox error={save.error} title={`Save ${credential.label}`} />}
      {clear.error && <ErrorBox error={clear.error} title={`Clear ${credential.label}`} />}
    </li>
  );
}

/** Settings: the Islo, E2B and Railway credentials the URL bridge uses. Values go in, never come back. */
export function CredentialsPanel() {
  const list = useQuery({ queryKey: ['credentials:list'], queryFn: () => call('credentials:list') });
  const data = list.data;
  return (
    <div className="stack" data-testid="credentials-panel">
      <p className="muted">
        Used to list and publish public URLs of Islo, E2B and Railway members. Environment variables (the ones crabbox reads) take
        precedence. Saved values are encrypted by the operating system and never shown again.
      </p>
      {list.error && <ErrorBox error={list.error} title="Provider credentials" />}
      {data && !data.storageAvailable && (
        <div className="error-box" role="alert" data-testid="credentials-no-storage">
          Encrypted storage is not available here, so values cannot be saved. Set the environment variables before starting Pond Desktop.
        </div>
      )}
      {data && (
        <ul className="stack plain-list">
          {data.credentials.map((c) => (
            <CredentialRow key={c.name} credential={c} storageAvailable={data.storageAvailable} />
          ))}
        </ul>
      )}
    </div>
  );
}
