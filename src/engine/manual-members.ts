/**
 * Hand-added pond members: plain SSH hosts kept in Pond Desktop's settings file
 * (`manualMembers`), which the desktop app and the CLI share. Input is validated field by
 * field; pond and slug use crabbox's name rules and messages, exposed ports crabbox's
 * `--expose` rules and messages, so a host added here behaves like a crabbox member.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PondError } from '../lib/errors';
import { MAX_EXPOSED_PORTS, requestedExposedPorts } from './exposed-ports';
import { MAX_NAME_LENGTH, normalizePondName, normalizeSlug, requestedSlug, requiredPondFlag } from '../lib/names';
import type { ManualMember, Settings } from './settings-store';

export const DEFAULT_SSH_PORT = 22;

type Checked<T> = T | { error: string; form: string };

export type ManualField = 'pond' | 'slug' | 'host' | 'port' | 'user' | 'identityFile' | 'expose';

export interface FieldError {
  field: ManualField;
  /** crabbox's words, flags included, for the command line. */
  message: string;
  /** The same in the words a form shows beside the field: no flags, no field names. */
  form: string;
}

/** What a user types; strings as they come from a form or the command line. */
export interface ManualMemberInput {
  pond: string;
  slug: string;
  host: string;
  /** Blank or absent: 22. */
  port?: number | string;
  user: string;
  /** Blank or absent: use the SSH agent. */
  identityFile?: string;
  /** `--expose` values; each may hold a comma-separated list. */
  expose?: string[];
}

/** An edit: absent fields are kept; `identityFile: ''` switches to the SSH agent. */
export type ManualMemberPatch = Partial<ManualMemberInput>;

export type ManualResult = { ok: true; member: ManualMember } | { ok: false; errors: FieldError[] };

/** The part of SettingsStore this needs. */
export interface ManualStore {
  get(key: 'manualMembers'): Settings['manualMembers'];
  set(key: 'manualMembers', value: Settings['manualMembers']): void;
}

export interface ManualDeps {
  now?: () => Date;
  newId?: () => string;
  /** For `~/` in identity file paths. */
  home?: string;
  /** Whether an identity file exists; omit to skip the check. */
  fileExists?: (file: string) => boolean;
}

export function newManualId(): string {
  return `man_${randomBytes(6).toString('hex')}`;
}

/** Host names, IPv4 and IPv6 literals; nothing an ssh command line could read as an option. */
const HOST_RE = /^[A-Za-z0-9_.:%-]+$/;
/** POSIX login names, plus `@` and `\` for directory accounts (user@corp, CORP\user). */
const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@\\$-]*$/;

function validateHost(raw: string): Checked<{ host: string }> {
  let host = raw.trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '') {
    return {
      error: 'host is required: the name or IP address of the SSH server, e.g. build-1.example.com or 10.0.0.5',
      form: 'Enter the name or IP address of the SSH server, e.g. build-1.example.com or 10.0.0.5.',
    };
  }
  if (host.includes('@')) {
    return {
      error: `host ${JSON.stringify(raw)} contains "@"; put the login name in user and only the address in host`,
      form: `${JSON.stringify(raw)} contains "@": put the login name under User and only the address here.`,
    };
  }
  if (!HOST_RE.test(host) || host.startsWith('-') || host.length > 253) {
    return {
      error: `host ${JSON.stringify(raw)} must be a host name or IP address (letters, digits, ".", "-", ":"), e.g. build-1.example.com or 10.0.0.5`,
      form: `${JSON.stringify(raw)} is not a host name or IP address: use letters, digits, ".", "-" and ":" only, e.g. build-1.example.com or 10.0.0.5.`,
    };
  }
  return { host };
}

function validatePort(raw: number | string | undefined): Checked<{ port: number }> {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { port: DEFAULT_SSH_PORT };
  const text = String(raw).trim();
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    return {
      error: `port ${JSON.stringify(text)} must be a TCP port in 1..65535 (SSH is usually 22)`,
      form: `${JSON.stringify(text)} is not a port: use a number from 1 to 65535 (SSH is usually 22).`,
    };
  }
  return { port: n };
}

function validateUser(raw: string): Checked<{ user: string }> {
  const user = raw.trim();
  if (user === '') return { error: 'user is required: the login name on the host', form: 'Enter the login name on the host, e.g. ops.' };
  if (!USER_RE.test(user) || user.length > 64) {
    return {
      error: `user ${JSON.stringify(raw)} must be a login name (letters, digits, ".", "_", "-", "@", "\\"), without spaces, not starting with "-"`,
      form: `${JSON.stringify(raw)} is not a login name: use letters, digits, ".", "_", "-", "@" or "\\", with no spaces and no "-" first.`,
    };
  }
  return { user };
}

function validateIdentityFile(raw: string | undefined, deps: ManualDeps): Checked<{ identityFile?: string }> {
  const text = (raw ?? '').trim();
  if (text === '') return {};
  let file = text;
  if (file === '~' || file.startsWith('~/') || file.startsWith('~\\')) {
    if (!deps.home) {
      return {
        error: `identityFile ${JSON.stringify(text)} starts with "~" but the home directory is unknown; give an absolute path`,
        form: 'The home directory is unknown here, so "~" cannot be used: give the full path of the key.',
      };
    }
    file = path.join(deps.home, file.slice(1));
  }
  if (!path.isAbsolute(file)) {
    return {
      error: `identityFile ${JSON.stringify(text)} must be an absolute path to a private key (or leave it empty to use the SSH agent)`,
      form: `Give the full path of a private key, e.g. ~/.ssh/id_ed25519, or leave this empty to use the SSH agent.`,
    };
  }
  if (deps.fileExists && !deps.fileExists(file)) {
    return {
      error: `identityFile ${file} does not exist; give the path of a private key, or leave it empty to use the SSH agent`,
      form: `There is no file at ${file}: give the path of a private key, or leave this empty to use the SSH agent.`,
    };
  }
  return { identityFile: file };
}

/** What a form says about a pond or member name crabbox refused (lib/names.ts has crabbox's words). */
function nameForm(kind: 'pond' | 'member', input: string): string {
  if (input.trim() === '') return kind === 'pond' ? 'Enter the pond this host belongs to, e.g. alpha.' : 'Enter a name for this member, e.g. web.';
  if (normalizePondName(input) === '') return `${JSON.stringify(input)} has no letter or digit; a ${kind} name needs one.`;
  return `A ${kind} name can be at most ${MAX_NAME_LENGTH} characters long (spaces and symbols count as one dash).`;
}

/** What a form says about exposed ports crabbox refused (exposed-ports.ts has crabbox's words). */
function exposeForm(values: readonly string[]): string {
  const pieces = values.flatMap((v) => v.split(',').map((p) => p.trim())).filter((p) => p !== '');
  if (pieces.length === 0) return 'Enter ports separated by commas, e.g. 8080, 9090, or leave this empty.';
  const bad = pieces.find((p) => !/^[0-9]+$/.test(p) || Number(p) < 1 || Number(p) > 65535);
  if (bad !== undefined) return `${JSON.stringify(bad)} is not a port: use numbers from 1 to 65535, separated by commas.`;
  return `At most ${MAX_EXPOSED_PORTS} different ports.`;
}

type Validated = Omit<ManualMember, 'id' | 'addedAt'>;

/** Checks every field and reports every bad one, each message naming its field. */
export function validateManualMember(input: ManualMemberInput, deps: ManualDeps = {}): { ok: true; value: Validated } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const pond = requiredPondFlag(input.pond ?? '');
  if (!pond.ok) errors.push({ field: 'pond', message: pond.error, form: nameForm('pond', input.pond ?? '') });
  const slug = requestedSlug(input.slug ?? '');
  if (!slug.ok) errors.push({ field: 'slug', message: slug.error, form: nameForm('member', input.slug ?? '') });
  else if (slug.name === '') errors.push({ field: 'slug', message: '--slug is required: the member name shown in the pond, e.g. web', form: nameForm('member', '') });
  const host = validateHost(input.host ?? '');
  if ('error' in host) errors.push({ field: 'host', message: host.error, form: host.form });
  const port = validatePort(input.port);
  if ('error' in port) errors.push({ field: 'port', message: port.error, form: port.form });
  const user = validateUser(input.user ?? '');
  if ('error' in user) errors.push({ field: 'user', message: user.error, form: user.form });
  const identity = validateIdentityFile(input.identityFile, deps);
  if ('error' in identity) errors.push({ field: 'identityFile', message: identity.error, form: identity.form });
  const ports = requestedExposedPorts(input.expose ?? []);
  if (!ports.ok) errors.push({ field: 'expose', message: ports.error, form: exposeForm(input.expose ?? []) });
  if (errors.length > 0 || !pond.ok || !slug.ok || 'error' in host || 'error' in port || 'error' in user || 'error' in identity || !ports.ok) {
    return { ok: false, errors };
  }
  const value: Validated = { pond: pond.name, slug: slug.name, host: host.host, port: port.port, user: user.user, ports: ports.ports };
  if (identity.identityFile !== undefined) value.identityFile = identity.identityFile;
  return { ok: true, value };
}

/** The fields of a stored member as input again, so an edit can start from it. */
export function inputOf(member: ManualMember): ManualMemberInput {
  const input: ManualMemberInput = {
    pond: member.pond,
    slug: member.slug,
    host: member.host,
    port: member.port,
    user: member.user,
    expose: member.ports.length > 0 ? [member.ports.join(',')] : [],
  };
  if (member.identityFile !== undefined) input.identityFile = member.identityFile;
  return input;
}

export class ManualMembers {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly store: ManualStore,
    private readonly deps: ManualDeps = {},
  ) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? newManualId;
  }

  list(): ManualMember[] {
    return this.store.get('manualMembers');
  }

  /** By id, or by `pond/slug` (names normalized). */
  find(ref: string): ManualMember | undefined {
    const members = this.list();
    const byId = members.find((m) => m.id === ref.trim());
    if (byId) return byId;
    const slash = ref.indexOf('/');
    if (slash < 0) return undefined;
    const pond = normalizePondName(ref.slice(0, slash));
    const slug = normalizeSlug(ref.slice(slash + 1));
    return members.find((m) => m.pond === pond && m.slug === slug);
  }

  add(input: ManualMemberInput): ManualResult {
    const checked = validateManualMember(input, this.deps);
    if (!checked.ok) return checked;
    const members = this.list();
    const duplicate = this.duplicateError(members, checked.value);
    if (duplicate) return { ok: false, errors: [duplicate] };
    const member: ManualMember = { id: this.uniqueId(members), ...checked.value, addedAt: this.now().toISOString() };
    this.store.set('manualMembers', [...members, member]);
    return { ok: true, member };
  }

  update(id: string, patch: ManualMemberPatch): ManualResult {
    const members = this.list();
    const existing = members.find((m) => m.id === id);
    if (!existing) throw notFound(id);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const checked = validateManualMember({ ...inputOf(existing), ...defined }, this.deps);
    if (!checked.ok) return checked;
    const duplicate = this.duplicateError(members.filter((m) => m.id !== id), checked.value);
    if (duplicate) return { ok: false, errors: [duplicate] };
    const member: ManualMember = { id, ...checked.value, addedAt: existing.addedAt };
    this.store.set('manualMembers', members.map((m) => (m.id === id ? member : m)));
    return { ok: true, member };
  }

  remove(id: string): ManualMember {
    const members = this.list();
    const existing = members.find((m) => m.id === id);
    if (!existing) throw notFound(id);
    this.store.set('manualMembers', members.filter((m) => m.id !== id));
    return existing;
  }

  private duplicateError(others: readonly ManualMember[], value: Validated): FieldError | undefined {
    const clash = others.find((m) => m.pond === value.pond && m.slug === value.slug);
    if (!clash) return undefined;
    return {
      field: 'slug',
      message: `pond ${JSON.stringify(value.pond)} already has a hand-added member ${JSON.stringify(value.slug)} (${clash.user}@${clash.host}:${clash.port}); choose another slug or edit that member`,
      form: `Pond ${value.pond} already has a hand-added member ${JSON.stringify(value.slug)} (${clash.user}@${clash.host}:${clash.port}): choose another name, or edit that member.`,
    };
  }

  private uniqueId(members: readonly ManualMember[]): string {
    for (;;) {
      const id = this.newId();
      if (!members.some((m) => m.id === id)) return id;
    }
  }
}

function notFound(id: string): PondError {
  return new PondError('NOT_FOUND', `no hand-added host with id ${JSON.stringify(id)}; list them with \`pond hosts list\``);
}

export function nodeFileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
