/**
 * Member names as `crabbox pond connect` settles them (spec §5.3;
 * pond_mesh.go:disambiguatePondMemberNames): two members whose names map to the same
 * `CRABBOX_POND_<PEER>_…` variable must not shadow each other's exports.
 */
import { envSafeName, normalizePondName, shortLeaseID } from '../../lib/names';
import { byteCompare } from '../../lib/byte-order';

export interface NamedMember {
  name: string;
  /** Canonical provider name. */
  provider: string;
  leaseID: string;
}

/** duplicatePondMemberName: `<name or peer>-<provider or shortLease or peer>`. */
function withProvider(member: NamedMember): string {
  const base = normalizePondName(member.name) || 'peer';
  const suffix = normalizePondName(member.provider) || shortLeaseID(member.leaseID) || 'peer';
  return `${base}-${suffix}`;
}

/** duplicatePondMemberNameWithLease: the above plus `-<shortLease>` when there is one. */
function withProviderAndLease(member: NamedMember): string {
  const name = withProvider(member);
  const short = shortLeaseID(member.leaseID);
  return short ? `${name}-${short}` : name;
}

/**
 * Renames colliding members in list order (providers ascending, names ascending within
 * a provider), then sorts by final name. Returns new objects; the input is untouched.
 * The second rename is applied to the already-renamed member, so the provider appears
 * twice (`web-hetzner-hetzner-<6>`), exactly as crabbox does.
 */
export function disambiguatePondMemberNames<T extends NamedMember>(members: readonly T[]): T[] {
  const counts = new Map<string, number>();
  for (const m of members) counts.set(envSafeName(m.name), (counts.get(envSafeName(m.name)) ?? 0) + 1);
  const used = new Set<string>();
  const out: T[] = [];
  for (const original of members) {
    const member = { ...original };
    let key = envSafeName(member.name);
    if ((counts.get(key) ?? 0) > 1 || used.has(key)) {
      member.name = withProvider(member);
      key = envSafeName(member.name);
    }
    if (used.has(key)) {
      member.name = withProviderAndLease(member);
      key = envSafeName(member.name);
    }
    used.add(key);
    out.push(member);
  }
  return out.sort((a, b) => byteCompare(a.name, b.name));
}

/** The list order §5.2 feeds into disambiguation: providers ascending, then names. */
export function orderForDisambiguation<T extends NamedMember>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => byteCompare(a.provider, b.provider) || byteCompare(a.name, b.name));
}
