import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PondMemberShape } from '../../../contract/index';
import { call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import type { Nav } from '../nav';
import { pondPanels } from '../pond-panels';
import { formFromMember } from './form';
import { HostForm } from './HostForm';

type ManualMember = Extract<PondMemberShape, { origin: 'manual' }>;

function RemoveButton({ member, onRemoved }: { member: ManualMember; onRemoved: () => void }) {
  const [armed, setArmed] = useState(false);
  const remove = useMutation({ mutationFn: () => call('hosts:remove', { id: member.id }), onSuccess: onRemoved });
  if (!armed) {
    return (
      <button type="button" className="small" onClick={() => setArmed(true)} data-testid={`host-remove-${member.slug}`}>
        Remove
      </button>
    );
  }
  return (
    <span className="row">
      <button type="button" className="small danger" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid={`host-remove-confirm-${member.slug}`}>
        Forget {member.slug}
      </button>
      <button type="button" className="small" onClick={() => setArmed(false)}>
        Keep
      </button>
      {remove.error && <ErrorBox error={remove.error} />}
    </span>
  );
}

function MemberRow({ member, onEdit, onRemoved }: { member: PondMemberShape; onEdit: (m: ManualMember) => void; onRemoved: () => void }) {
  return (
    <tr data-testid={`member-${member.slug}`}>
      <td>
        <strong>{member.slug || <span className="muted">(no slug)</span>}</strong>
        <div className="muted mono">{member.origin === 'manual' ? 'hand-added' : member.leaseID}</div>
      </td>
      <td>{member.provider || <span className="muted">(none)</span>}</td>
      <td>
        <span className={`badge ${member.transport}`} data-testid={`member-${member.slug}-transport`}>
          {member.transport}
        </span>
        {member.transports && member.transports.length > 1 && <div className="muted small-print">also {member.transports.filter((t) => t !== member.transport).join(', ')}</div>}
      </td>
      <td className="mono" data-testid={`member-${member.slug}-endpoint`}>
        {member.endpoint}
      </td>
      <td>{member.note}</td>
      <td>
        {member.origin === 'manual' && (
          <div className="row">
            <button type="button" className="small" onClick={() => onEdit(member)} data-testid={`host-edit-${member.slug}`}>
              Edit
            </button>
            <RemoveButton member={member} onRemoved={onRemoved} />
          </div>
        )}
      </td>
    </tr>
  );
}

/** One pond: its members as crabbox's `pond peers` describes them, then the other areas' panels. */
export function PondPage({ pond, navigate }: { pond: string; navigate: (nav: Nav) => void }) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ['ponds:get', pond], queryFn: () => call('ponds:get', { name: pond }) });
  const [editing, setEditing] = useState<ManualMember | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['ponds:get', pond] });
  const data = query.data;
  return (
    <section className="panel" aria-labelledby="pond-title" data-testid="pond-page">
      <h2 id="pond-title">Pond “{pond}”</h2>
      {query.error && <ErrorBox error={query.error} />}
      {data && (
        <table>
          <thead>
            <tr>
              <th>Member</th>
              <th>Provider</th>
              <th>Transport</th>
              <th>Endpoint</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.members.map((member) => (
              <MemberRow key={`${member.origin}:${member.leaseID}`} member={member} onEdit={setEditing} onRemoved={refresh} />
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <HostForm
          key={editing.id}
          id={editing.id}
          initial={formFromMember(pond, editing)}
          onCancel={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            refresh();
          }}
        />
      )}
      {pondPanels.map((panel) => (
        <div key={panel.id} className="ponds-panel" aria-label={panel.title}>
          <h3>{panel.title}</h3>
          <panel.Component pond={pond} navigate={navigate} />
        </div>
      ))}
    </section>
  );
}
