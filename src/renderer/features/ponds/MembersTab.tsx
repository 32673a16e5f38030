import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { sessionBadge, type MeshMemberShape, type PondMemberShape } from '../../../contract/index';
import { call } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { ErrorBox } from '../../ui/ErrorBox';
import { sessionTone } from '../../ui/tones';
import { useCompact } from '../../ui/use-media';
import { pondOf } from '../mesh/mesh-panel';
import { useMeshStatus } from '../mesh/use-mesh';
import type { PondPanelProps } from '../nav';
import { useOpenDialog } from '../window/dialogs';
import { exposedPorts, hasUrlMembers, providerName, reachOf, resolveMembers, type ManualMember } from './members';

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
    <>
      <button type="button" className="small danger" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid={`host-remove-confirm-${member.slug}`}>
        Forget {member.slug}
      </button>
      <button type="button" className="small" onClick={() => setArmed(false)}>
        Keep
      </button>
      {remove.error && <ErrorBox error={remove.error} />}
    </>
  );
}

interface MemberProps {
  member: PondMemberShape;
  mesh: MeshMemberShape | undefined;
  pond: string;
  onRemoved: () => void;
}

function Name({ member }: { member: PondMemberShape }) {
  return (
    <span className="who">
      <strong>{member.slug || member.leaseID}</strong>
      <span className="muted small-print">{member.origin === 'manual' ? 'hand-added' : <span className="nowrap">{member.leaseID}</span>}</span>
    </span>
  );
}

function ReachCell({ member }: { member: PondMemberShape }) {
  const reach = reachOf(member);
  return (
    <>
      <Badge tone={reach.tone} testId={`member-${member.slug}-transport`}>
        {reach.label}
      </Badge>
      {reach.detail && <div className="muted small-print">{reach.detail}</div>}
    </>
  );
}

function Address({ member }: { member: PondMemberShape }) {
  if (member.endpoint === '') return <span className="muted">none yet</span>;
  return (
    <span className="address" data-testid={`member-${member.slug}-endpoint`}>
      {member.endpoint}
    </span>
  );
}

function Ports({ member }: { member: PondMemberShape }) {
  const ports = exposedPorts(member);
  if (ports.length === 0) return <span className="muted">none</span>;
  return (
    <span className="ports" data-testid={`member-${member.slug}-ports`}>
      {ports.map((p) => (
        <span key={p} className="port">
          {p}
        </span>
      ))}
    </span>
  );
}

function Connection({ mesh }: { mesh: MeshMemberShape | undefined }) {
  if (!mesh) return <span className="muted">not connected</span>;
  return <Badge tone={sessionTone(mesh.session.state)}>{sessionBadge(mesh.session)}</Badge>;
}

function Actions({ member, pond, onRemoved }: Omit<MemberProps, 'mesh'>) {
  const openDialog = useOpenDialog();
  if (member.origin !== 'manual') return null;
  return (
    <div className="row">
      <button type="button" className="small" onClick={() => openDialog({ kind: 'editHost', pond, member })} data-testid={`host-edit-${member.slug}`}>
        Edit
      </button>
      <RemoveButton member={member} onRemoved={onRemoved} />
    </div>
  );
}

function MemberRow(props: MemberProps) {
  const { member, mesh } = props;
  return (
    <tr data-testid={`member-${member.slug}`}>
      <td>
        <Name member={member} />
      </td>
      <td>{providerName(member.provider)}</td>
      <td>
        <ReachCell member={member} />
      </td>
      <td>
        <Address member={member} />
      </td>
      <td>
        <Ports member={member} />
      </td>
      <td>
        <Connection mesh={mesh} />
      </td>
      <td>
        <Actions {...props} />
      </td>
    </tr>
  );
}

function MemberCard(props: MemberProps) {
  const { member, mesh } = props;
  return (
    <li className="card" data-testid={`member-${member.slug}`}>
      <div className="card-head">
        <Name member={member} />
        <Connection mesh={mesh} />
      </div>
      <dl className="facts">
        <dt>Provider</dt>
        <dd>{providerName(member.provider)}</dd>
        <dt>Reach</dt>
        <dd>
          <ReachCell member={member} />
        </dd>
        <dt>Address</dt>
        <dd>
          <Address member={member} />
        </dd>
        <dt>Ports</dt>
        <dd>
          <Ports member={member} />
        </dd>
      </dl>
      <Actions {...props} />
    </li>
  );
}

/** A pond's members as crabbox's `pond peers` describes them, with what their providers said, their ports and their SSH state. */
export function MembersTab({ pond }: PondPanelProps) {
  const queryClient = useQueryClient();
  const openDialog = useOpenDialog();
  const compact = useCompact();
  const query = useQuery({ queryKey: ['ponds:get', pond], queryFn: () => call('ponds:get', { name: pond }) });
  const askProviders = query.data !== undefined && hasUrlMembers(query.data.members);
  const bridge = useQuery({ queryKey: ['bridge:members', pond], queryFn: () => call('bridge:members', { pond }), staleTime: 30_000, enabled: askProviders });
  const status = useMeshStatus();
  const mesh = pondOf(status.data, pond);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['ponds:get', pond] });
  const members = query.data ? resolveMembers(query.data.members, bridge.data) : [];
  const props = (member: PondMemberShape): MemberProps => ({ member, pond, onRemoved: refresh, mesh: mesh.members.find((m) => m.leaseID === member.leaseID) });

  return (
    <section className="stack" aria-label={`Members of pond ${pond}`} data-testid="members-tab">
      {query.error && <ErrorBox error={query.error} />}
      {askProviders && bridge.isPending && <p className="muted small-print">Asking the URL providers about their members…</p>}
      {members.length > 0 && compact && (
        <ul className="cards">
          {members.map((m) => (
            <MemberCard key={`${m.origin}:${m.leaseID}`} {...props(m)} />
          ))}
        </ul>
      )}
      {members.length > 0 && !compact && (
        <table>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Provider</th>
              <th scope="col">Reach</th>
              <th scope="col">Address</th>
              <th scope="col">Exposed ports</th>
              <th scope="col">Connection</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow key={`${m.origin}:${m.leaseID}`} {...props(m)} />
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        <button type="button" onClick={() => openDialog({ kind: 'addHost', pond })} data-testid="pond-add-host">
          Add SSH host…
        </button>
        <button type="button" className="danger" onClick={() => openDialog({ kind: 'release', pond })} data-testid="release-pond-button">
          Release pond…
        </button>
      </div>
    </section>
  );
}
