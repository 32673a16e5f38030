/** A pond's rows as doctor members: unique names, SSH targets and live forwards attached. */
import type { PeerRow } from '../../contract/index';
import type { ForwardSpec, SshTarget } from '../mesh/types';
import type { DoctorMember } from './checks/types';

export function doctorMembers(
  rows: readonly PeerRow[],
  targets: ReadonlyMap<string, SshTarget> = new Map(),
  forwards: readonly ForwardSpec[] = [],
): DoctorMember[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.slug || row.leaseID, (counts.get(row.slug || row.leaseID) ?? 0) + 1);
  return rows.map((row) => {
    const base = row.slug || row.leaseID;
    const name = (counts.get(base) ?? 0) > 1 ? `${base} (${row.leaseID})` : base;
    const target = targets.get(row.leaseID);
    const member: DoctorMember = { name, row, forwards: forwards.filter((f) => f.leaseID === row.leaseID) };
    if (target) member.target = target;
    return member;
  });
}
