/**
 * Which pond members the mesh can connect, and how (spec §5.2, §1.6), computed from the
 * local claims alone: crabbox asks each provider's API to resolve the lease; we use what
 * crabbox recorded in the claim (`sshHost`/`sshPort`, static fields, the
 * `crabbox_exposed_ports` label) plus crabbox's key/user/port rules. Hand-added hosts use
 * their own settings. Nothing here touches the network.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { canonicalProvider, capabilities } from '../../providers/catalogue';
import type { Claim } from '../claim';
import { EXPOSED_PORTS_LABEL, parseExposedPortsLabel } from '../exposed-ports';
import { normalizePondName, normalizeSlug } from '../../lib/names';
import { leaseKeyDir, type PathEnv } from '../../lib/paths';
import { filterClaimsForPond } from '../ponds';
import { byteCompare } from '../../lib/byte-order';
import type { ManualMember } from '../settings-store';
import { expandKeyPath, loadCrabboxSshConfig, parseSshPort, sshPortCandidates, type CrabboxConfigResult } from './crabbox-config';
import { disambiguatePondMemberNames, orderForDisambiguation } from './member-names';
import type { MeshMember, SshAuth, SshTarget } from './types';

/** The provider hand-added hosts are listed under (crabbox's static SSH provider). */
export const MANUAL_PROVIDER = 'ssh';
const WINDOWS_AGENT_PIPE = '\\\\.\\pipe\\openssh-ssh-agent';

export interface TargetsInput {
  /** Normalized pond name. */
  pond: string;
  /** `--provider` filter; blank for all providers. */
  provider?: string;
  claims: readonly Claim[];
  manualMembers: readonly ManualMember[];
  config: CrabboxConfigResult;
  pathEnv: PathEnv;
  /** Directory relative key paths resolve against (the CLI's cwd). */
  cwd?: string;
  exists?: (file: string) => boolean;
}

export interface PondMeshMembers {
  /** Disambiguated (§5.3) and sorted by name. */
  members: MeshMember[];
  /** Canonical providers present in the pond that cannot carry SSH forwards, ascending. */
  ineligible: string[];
}

/** `pending`: nothing is wrong, crabbox just has not recorded the address yet. */
type Resolved<T> = { ok: true; value: T } | { ok: false; problem: string; pending?: true };

function pathApi(pe: PathEnv): path.PlatformPath {
  return pe.platform === 'win32' ? path.win32 : path.posix;
}

function homeKnownHosts(pe: PathEnv): string {
  const home = (pe.platform === 'win32' ? pe.env.USERPROFILE : pe.env.HOME) || pe.home;
  return pathApi(pe).join(home, '.ssh', 'known_hosts');
}

function agentSocket(pe: PathEnv): string | undefined {
  return pe.env.SSH_AUTH_SOCK || (pe.platform === 'win32' ? WINDOWS_AGENT_PIPE : undefined);
}

function leaseFile(pe: PathEnv, leaseID: string, name: string): string | undefined {
  try {
    return pathApi(pe).join(leaseKeyDir(pe, leaseID), name);
  } catch {
    return undefined;
  }
}

/**
 * crabbox's key order (lease.go:useStoredTestboxKey, ssh.go:knownHostsFile): the
 * per-lease key, else the configured key, else ssh-agent. known_hosts sits beside the
 * key; a per-lease known_hosts crabbox already wrote is used even without a lease key.
 */
function crabboxAuth(
  pe: PathEnv,
  leaseID: string,
  configKey: string,
  configKeySource: string,
  exists: (file: string) => boolean,
): Resolved<{ auth: SshAuth; knownHostsPath: string }> {
  const p = pathApi(pe);
  const leaseKey = leaseFile(pe, leaseID, 'id_ed25519');
  const leaseKnownHosts = leaseFile(pe, leaseID, 'known_hosts');
  const keyDirKnownHosts = (key: string) => p.join(p.dirname(key), 'known_hosts');
  if (leaseKey && exists(leaseKey)) {
    return { ok: true, value: { auth: { kind: 'key', keyPath: leaseKey }, knownHostsPath: keyDirKnownHosts(leaseKey) } };
  }
  const knownHostsPath =
    leaseKnownHosts && exists(leaseKnownHosts) ? leaseKnownHosts : configKey ? keyDirKnownHosts(configKey) : homeKnownHosts(pe);
  if (configKey && exists(configKey)) return { ok: true, value: { auth: { kind: 'key', keyPath: configKey }, knownHostsPath } };
  const socket = agentSocket(pe);
  if (socket) return { ok: true, value: { auth: { kind: 'agent', socket }, knownHostsPath } };
  const tried = [leaseKey, configKey ? `${configKey} (${configKeySource === 'default' ? 'crabbox default' : `from ${configKeySource}`})` : undefined]
    .filter(Boolean)
    .join(' or ');
  return {
    ok: false,
    problem: `no SSH key for this lease: ${tried || 'no key path'} does not exist and SSH_AUTH_SOCK is not set. Create the key, point CRABBOX_SSH_KEY (or ssh.key in crabbox's config) at one, or start ssh-agent and add your key.`,
  };
}

function crabboxTarget(claim: Claim, provider: string, input: TargetsInput, exists: (file: string) => boolean): Resolved<SshTarget> {
  if (!input.config.ok) {
    return { ok: false, problem: `crabbox's SSH settings cannot be used: ${input.config.error}. Fix it, then connect again.` };
  }
  const config = input.config.config;
  const isStatic = provider === MANUAL_PROVIDER;
  const host = claim.sshHost || (isStatic ? (claim.staticHost ?? '') : '');
  if (host === '') {
    return { ok: false, pending: true, problem: 'ssh endpoint not yet recorded for this lease; it appears once crabbox has finished starting the machine' };
  }
  let port = config.port;
  if (claim.sshPort !== undefined && claim.sshPort > 0) port = claim.sshPort;
  else if (isStatic && claim.staticPort) {
    try {
      port = parseSshPort(claim.staticPort, 'staticPort');
    } catch (error) {
      return { ok: false, problem: `the claim's ${(error as Error).message}; fix the static host's port with crabbox` };
    }
  }
  const user = (isStatic && claim.staticUser) || config.user;
  const auth = crabboxAuth(input.pathEnv, claim.leaseID, config.key, config.sources.key, exists);
  if (!auth.ok) return auth;
  return {
    ok: true,
    value: { host, port, fallbackPorts: sshPortCandidates(port, config.fallbackPorts).slice(1), user, ...auth.value },
  };
}

function manualTarget(member: ManualMember, input: TargetsInput, exists: (file: string) => boolean): Resolved<SshTarget> {
  const base = { host: member.host, port: member.port, fallbackPorts: [], user: member.user, knownHostsPath: homeKnownHosts(input.pathEnv) };
  if (member.identityFile) {
    const keyPath = expandKeyPath(input.pathEnv, member.identityFile, input.cwd);
    if (!exists(keyPath)) {
      return { ok: false, problem: `identity file ${keyPath} does not exist; choose another key for this host, or clear it to use ssh-agent` };
    }
    return { ok: true, value: { ...base, auth: { kind: 'key', keyPath } } };
  }
  const socket = agentSocket(input.pathEnv);
  if (!socket) return { ok: false, problem: 'this host uses ssh-agent but SSH_AUTH_SOCK is not set; start ssh-agent, or choose a key file for this host' };
  return { ok: true, value: { ...base, auth: { kind: 'agent', socket } } };
}

function member(
  base: Omit<MeshMember, 'target' | 'targetProblem' | 'pending'>,
  resolve: () => Resolved<SshTarget>,
): MeshMember {
  if (base.ports.length === 0) return { ...base, target: null };
  const resolved = resolve();
  if (resolved.ok) return { ...base, target: resolved.value };
  return { ...base, target: null, targetProblem: resolved.problem, ...(resolved.pending ? { pending: true } : {}) };
}

/** The pond's members as the mesh connects them, plus the providers it has to skip. */
export function collectMeshMembers(input: TargetsInput): PondMeshMembers {
  const exists = input.exists ?? existsSync;
  const pond = normalizePondName(input.pond);
  const providerFilter = (input.provider ?? '').trim() === '' ? '' : canonicalProvider(input.provider ?? '');
  const ineligible = new Set<string>();
  const found: MeshMember[] = [];
  for (const claim of filterClaimsForPond(input.claims, pond, providerFilter)) {
    const provider = canonicalProvider(claim.provider);
    if (!capabilities(provider).sshMesh) {
      ineligible.add(provider);
      continue;
    }
    const base = {
      pond,
      name: normalizeSlug(claim.slug) || normalizeSlug(claim.labels?.slug ?? '') || claim.leaseID,
      leaseID: claim.leaseID,
      provider,
      origin: 'crabbox' as const,
      ports: parseExposedPortsLabel(claim.labels?.[EXPOSED_PORTS_LABEL]),
    };
    found.push(member(base, () => crabboxTarget(claim, provider, input, exists)));
  }
  if (providerFilter === '' || providerFilter === MANUAL_PROVIDER) {
    for (const manual of input.manualMembers) {
      if (normalizePondName(manual.pond) !== pond || pond === '') continue;
      const base = {
        pond,
        name: normalizeSlug(manual.slug) || manual.id,
        leaseID: manual.id,
        provider: MANUAL_PROVIDER,
        origin: 'manual' as const,
        ports: [...manual.ports].sort((a, b) => a - b),
      };
      found.push(member(base, () => manualTarget(manual, input, exists)));
    }
  }
  return {
    members: disambiguatePondMemberNames(orderForDisambiguation(found)),
    ineligible: [...ineligible].sort(byteCompare),
  };
}

/** Where members come from; the app passes its claims directory and settings, the CLI its own. */
export interface MemberSources {
  pathEnv: PathEnv;
  /** Directory whose `crabbox.yaml` applies (the CLI's cwd); omit in the desktop app. */
  cwd?: string;
  claims(): Promise<readonly Claim[]>;
  manualMembers(): Promise<readonly ManualMember[]>;
}

/**
 * Reads crabbox's config afresh (so edits apply on the next connect) and collects the
 * pond's members. The mesh manager's `resolveMembers` is
 * `(pond) => resolvePondMeshMembers(sources, pond).then((r) => r.members)`.
 */
export async function resolvePondMeshMembers(sources: MemberSources, pond: string, provider?: string): Promise<PondMeshMembers> {
  const [claims, manualMembers, config] = await Promise.all([
    sources.claims(),
    sources.manualMembers(),
    loadCrabboxSshConfig({ pathEnv: sources.pathEnv, ...(sources.cwd !== undefined ? { cwd: sources.cwd } : {}) }),
  ]);
  return collectMeshMembers({
    pond,
    ...(provider !== undefined ? { provider } : {}),
    claims,
    manualMembers,
    config,
    pathEnv: sources.pathEnv,
    ...(sources.cwd !== undefined ? { cwd: sources.cwd } : {}),
  });
}
