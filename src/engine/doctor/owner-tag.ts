/**
 * Who owns a pond on the tailnet and the tag its members carry (spec §7.1):
 * `tag:cbx-pond-<owner>-<pond>`, with the owner taken from CRABBOX_OWNER or the git email.
 */
import { createHash } from 'node:crypto';
import { normalizePondName } from '../../lib/names';
import { goTrimSpace } from './acl-policy';

export const TAG_PREFIX = 'tag:cbx-pond-';
export const MAX_OWNER_LENGTH = 7;

const IDENTITY_VARIABLES = ['CRABBOX_OWNER', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_EMAIL'] as const;

/** Runs `git config --get user.email`; resolves to stdout, or null when git fails or is missing. */
export type GitEmailReader = () => Promise<string | null>;

export interface IdentitySource {
  env: Readonly<Record<string, string | undefined>>;
  gitEmail: GitEmailReader;
}

/** localCoordinatorOwner: the first non-blank variable, else the git email, else ''. */
export async function ownerIdentity({ env, gitEmail }: IdentitySource): Promise<string> {
  for (const name of IDENTITY_VARIABLES) {
    const value = goTrimSpace(env[name] ?? '');
    if (value !== '') return value;
  }
  const out = await gitEmail();
  return out === null ? '' : goTrimSpace(out);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (standard alphabet) without padding. */
export function base32NoPad(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * pondTagOwner: lowercase local part of the identity, pond-normalized; longer than 7
 * characters → the first 7 of base32(SHA-256), lowercased, so similar names never collide
 * silently and the tag stays within Tailscale's 63-character limit.
 */
export function pondTagOwner(identity: string): string {
  let id = goTrimSpace(identity);
  const at = id.indexOf('@');
  if (at > 0) id = id.slice(0, at);
  const owner = normalizePondName(id);
  if (owner === '') return '';
  if (owner.length <= MAX_OWNER_LENGTH) return owner;
  const digest = createHash('sha256').update(owner, 'utf8').digest();
  return base32NoPad(digest).slice(0, MAX_OWNER_LENGTH).toLowerCase();
}

/** pondTailscaleTag: `tag:cbx-pond-<owner or "user">-<pond>`, or '' when the pond is blank. */
export function pondTailscaleTag(identity: string, pond: string): string {
  const owner = pondTagOwner(identity) || 'user';
  const normalized = normalizePondName(pond);
  if (normalized === '') return '';
  return `${TAG_PREFIX}${owner}-${normalized}`;
}
