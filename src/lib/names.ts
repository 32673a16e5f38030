/**
 * Pond, slug and environment-variable names, normalized exactly as crabbox does
 * (spec §2.1, §2.2, §5.5). crabbox is Go: lowercasing and uppercasing are per code
 * point with Go's simple case mapping, which differs from JavaScript's full mapping for
 * a handful of characters handled explicitly below.
 */
import { PondError } from './errors';

export const MAX_NAME_LENGTH = 41;

/** Go's unicode.ToLower for one code point; JS gives `i̇` (two code points) for U+0130. */
function goLower(ch: string): string {
  if (ch === '\u0130') return 'i';
  const lower = ch.toLowerCase();
  return [...lower].length === 1 ? lower : ch;
}

/** Go's unicode.ToUpper for one code point, restricted to what can land in A-Z. */
function goUpperAscii(ch: string): string {
  if (ch >= 'a' && ch <= 'z') return ch.toUpperCase();
  if (ch === '\u0131') return 'I';
  if (ch === '\u017f') return 'S';
  return ch;
}

/** crabbox's normalizePondName (and normalizeLeaseSlug, the same rule): `[a-z0-9]` runs joined by single dashes. */
export function normalizePondName(input: string): string {
  let out = '';
  let lastWasDash = false;
  for (const ch of input.trim()) {
    const c = goLower(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
      lastWasDash = false;
    } else if (!lastWasDash) {
      out += '-';
      lastWasDash = true;
    }
  }
  return out.replace(/^-+|-+$/g, '');
}

/** crabbox's normalizeLeaseSlug: the pond-name rule applied to a member's slug. */
export function normalizeSlug(input: string): string {
  return normalizePondName(input);
}

export type NameResult = { ok: true; name: string } | { ok: false; error: string };

function requestedName(flag: '--pond' | '--slug', input: string): NameResult {
  if (input.trim() === '') return { ok: true, name: '' };
  const name = normalizePondName(input);
  if (name === '') return { ok: false, error: `${flag} must contain at least one letter or digit` };
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, error: `${flag} must be ${MAX_NAME_LENGTH} characters or fewer after normalization` };
  }
  return { ok: true, name };
}

/** Validates a user-typed pond name; blank is allowed and yields `''` ("no pond"). */
export function requestedPondName(input: string): NameResult {
  return requestedName('--pond', input);
}

/** `--pond NAME` of a command that needs a pond, with crabbox's messages (blank: `--pond is required`). */
export function requiredPondFlag(input: string): NameResult {
  if (input.trim() === '') return { ok: false, error: '--pond is required' };
  return requestedPondName(input);
}

/**
 * A pond name from the app or the API, normalized as crabbox does. A name that names no
 * pond (blank, or without a letter or digit) gets the one message every face shows for it.
 */
export function parsePondName(input: string): string {
  const name = normalizePondName(input);
  if (name === '') throw new PondError('INVALID_INPUT', `pond name ${JSON.stringify(input)} has no letter or digit, so it names no pond`);
  return name;
}

/** Validates a user-typed member slug; blank is allowed and yields `''` (auto). */
export function requestedSlug(input: string): NameResult {
  return requestedName('--slug', input);
}

/** envSafeName: the `<PEER>` of `CRABBOX_POND_<PEER>_<PORT>`; runs are not collapsed. */
export function envSafeName(name: string): string {
  let out = '';
  for (const ch of name.trim()) {
    const c = goUpperAscii(ch);
    out += (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
  }
  out = out.replace(/^_+|_+$/g, '');
  return out === '' ? '_' : out;
}

/** shortLeaseID: the last 6 characters of the normalized lease ID, minus `cbx-`/`isb-`. */
export function shortLeaseID(leaseID: string): string {
  let id = normalizePondName(leaseID);
  if (id.startsWith('cbx-')) id = id.slice(4);
  if (id.startsWith('isb-')) id = id.slice(4);
  return id.length <= 6 ? id : id.slice(-6);
}

/** crabbox's labelBool: `1|true|yes|on`, case-insensitive, trimmed. */
export function truthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((value ?? '').trim().toLowerCase());
}
