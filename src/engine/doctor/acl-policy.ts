/**
 * Reading a Tailscale policy file for a pond's rows (spec §7.4): parse the HuJSON, fail
 * closed on any shape that makes an automatic edit ambiguous, and decide whether the
 * pond tag has an owner and a self-peering rule.
 *
 * Two kinds of key matching, as crabbox does: the structural keys `tagOwners`, `grants`
 * and `acls` are matched exactly (they decide where an edit goes), while the semantic
 * read of the rules follows Go's encoding/json, which matches field names
 * case-insensitively and lets the last duplicate win.
 */
import { parseHuJSON, HuJSONError, type HArray, type HObject, type HValue } from './hujson';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Where new access rows go: an existing `grants` list, an `acls` list, or a new `acls` list. */
export type PolicyShape = 'grants' | 'acls' | 'neither';

export interface PolicyState {
  root: HObject;
  rootTrailingComma: boolean;
  tagOwners: HObject | null;
  grants: HArray | null;
  acls: HArray | null;
  ownerPresent: boolean;
  grantPresent: boolean;
  aclPresent: boolean;
}

export function accessPresent(state: PolicyState): boolean {
  return state.grantPresent || state.aclPresent;
}

export function rowsPresent(state: PolicyState): boolean {
  return state.ownerPresent && accessPresent(state);
}

export function policyShape(state: PolicyState): PolicyShape {
  if (state.grants) return 'grants';
  if (state.acls) return 'acls';
  return 'neither';
}

export function trailingComma(container: HObject | HArray): boolean {
  const items = container.kind === 'object' ? container.members : container.elements;
  const last = items[items.length - 1];
  return last !== undefined && last.comma !== null;
}

/** Go's strings.TrimSpace: Unicode White_Space, which (unlike String.trim) excludes U+FEFF. */
export function goTrimSpace(text: string): string {
  return text.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
}

// ---------------------------------------------------------------------------------------
// The semantic read, with Go's encoding/json rules.

interface GrantRule {
  src: string[] | null;
  dst: string[] | null;
  ip: string[] | null;
}

interface AclRule {
  action: string;
  src: string[] | null;
  dst: string[] | null;
}

/**
 * Go's case-insensitive key match (bytes.EqualFold) against an ASCII field name: ASCII
 * letters fold, and so do the two non-ASCII runes that fold into ASCII, U+017F (ſ) to s
 * and U+212A (Kelvin sign) to k. Each is one UTF-16 unit, so lengths must match.
 */
function foldEquals(key: string, field: string): boolean {
  if (key.length !== field.length) return false;
  for (let i = 0; i < key.length; i += 1) {
    let c = key[i] ?? '';
    if (c === '\u017f') c = 's';
    else if (c === '\u212a') c = 'k';
    else if (c >= 'A' && c <= 'Z') c = c.toLowerCase();
    if (c !== field[i]) return false;
  }
  return true;
}

function jsonKind(value: HValue): string {
  if (value.kind === 'object') return 'object';
  if (value.kind === 'array') return 'array';
  switch (typeof value.value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'null';
  }
}

class DecodeError extends Error {}

function typeError(value: HValue, struct: string, path: string[], goType: string): DecodeError {
  return new DecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${path.join('.')} of type ${goType}`);
}

function isNull(value: HValue): boolean {
  return value.kind === 'literal' && value.value === null;
}

function decodeStrings(value: HValue, struct: string, path: string[]): string[] | null {
  if (isNull(value)) return null;
  if (value.kind !== 'array') throw typeError(value, struct, path, '[]string');
  return value.elements.map(({ value: element }) => {
    if (isNull(element)) return '';
    if (element.kind === 'literal' && typeof element.value === 'string') return element.value;
    throw typeError(element, struct, path, 'string');
  });
}

function decodeRule<R extends object>(
  value: HValue,
  zero: () => R,
  struct: string,
  section: string,
  fields: Record<string, (rule: R, value: HValue, path: string[]) => void>,
): R {
  const rule = zero();
  if (isNull(value)) return rule;
  if (value.kind !== 'object') throw typeError(value, '', [section], `cli.${struct}`);
  for (const member of value.members) {
    const field = Object.keys(fields).find((f) => foldEquals(member.name, f));
    if (field) fields[field]?.(rule, member.value, [section, field]);
  }
  return rule;
}

function decodeSection<R extends object>(value: HValue, section: string, struct: string, element: (v: HValue) => R): R[] | null {
  if (isNull(value)) return null;
  if (value.kind !== 'array') throw typeError(value, '', [section], `[]cli.${struct}`);
  return value.elements.map(({ value: v }) => element(v));
}

function decodeGrant(value: HValue): GrantRule {
  return decodeRule<GrantRule>(value, () => ({ src: null, dst: null, ip: null }), 'pondGrantRule', 'grants', {
    src: (rule, v, path) => (rule.src = decodeStrings(v, 'pondGrantRule', path)),
    dst: (rule, v, path) => (rule.dst = decodeStrings(v, 'pondGrantRule', path)),
    ip: (rule, v, path) => (rule.ip = decodeStrings(v, 'pondGrantRule', path)),
  });
}

function decodeAcl(value: HValue): AclRule {
  return decodeRule<AclRule>(value, () => ({ action: '', src: null, dst: null }), 'pondACLRule', 'acls', {
    action: (rule, v, path) => {
      if (isNull(v)) return;
      if (v.kind !== 'literal' || typeof v.value !== 'string') throw typeError(v, 'pondACLRule', path, 'string');
      rule.action = v.value;
    },
    src: (rule, v, path) => (rule.src = decodeStrings(v, 'pondACLRule', path)),
    dst: (rule, v, path) => (rule.dst = decodeStrings(v, 'pondACLRule', path)),
  });
}

function decodeSections(root: HObject): { grants: GrantRule[]; acls: AclRule[] } {
  let grants: GrantRule[] | null = null;
  let acls: AclRule[] | null = null;
  for (const member of root.members) {
    if (foldEquals(member.name, 'grants')) grants = decodeSection(member.value, 'grants', 'pondGrantRule', decodeGrant);
    else if (foldEquals(member.name, 'acls')) acls = decodeSection(member.value, 'acls', 'pondACLRule', decodeAcl);
  }
  return { grants: grants ?? [], acls: acls ?? [] };
}

// ---------------------------------------------------------------------------------------

/** parsePondACLPolicy: the policy's structure and whether `tag`'s rows are in it. */
export function parsePondACLPolicy(body: string, tag: string): PolicyState {
  if (goTrimSpace(body) === '') throw new PolicyError('pond acl: empty policy body');
  let root: HValue;
  try {
    root = parseHuJSON(body);
  } catch (error) {
    if (!(error instanceof HuJSONError)) throw error;
    throw new PolicyError(`pond acl: cannot safely parse HuJSON policy (apply the pond rows manually): ${error.message}`);
  }
  if (root.kind !== 'object') throw new PolicyError('pond acl: policy root must be an object');

  const state: PolicyState = {
    root,
    rootTrailingComma: trailingComma(root),
    tagOwners: null,
    grants: null,
    acls: null,
    ownerPresent: false,
    grantPresent: false,
    aclPresent: false,
  };
  const seen = new Set<string>();
  for (const member of root.members) {
    if (seen.has(member.name)) throw new PolicyError(`pond acl: duplicate top-level policy field ${JSON.stringify(member.name)}`);
    seen.add(member.name);
    const value = member.value;
    if (member.name === 'tagOwners') {
      if (value.kind !== 'object') throw new PolicyError('pond acl: tagOwners must be an object');
      state.tagOwners = value;
      const owners = new Set<string>();
      for (const owner of value.members) {
        if (owners.has(owner.name)) throw new PolicyError(`pond acl: duplicate tagOwners entry ${JSON.stringify(owner.name)}`);
        owners.add(owner.name);
        if (owner.name === tag) state.ownerPresent = true;
      }
    } else if (member.name === 'grants') {
      if (value.kind !== 'array') throw new PolicyError('pond acl: grants must be an array');
      state.grants = value;
    } else if (member.name === 'acls') {
      if (value.kind !== 'array') throw new PolicyError('pond acl: acls must be an array');
      state.acls = value;
    }
  }

  let sections: ReturnType<typeof decodeSections>;
  try {
    sections = decodeSections(root);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new PolicyError(`pond acl: cannot safely decode policy sections: ${error.message}`);
  }
  state.grantPresent = sections.grants.some(
    (g) => (g.src ?? []).includes(tag) && (g.dst ?? []).includes(tag) && (g.ip ?? []).length > 0,
  );
  state.aclPresent = sections.acls.some(
    (a) => (a.src ?? []).includes(tag) && ((a.dst ?? []).includes(tag) || (a.dst ?? []).includes(`${tag}:*`)),
  );
  return state;
}

/** pondACLRowPresent: owner and access rows both present; any parse error counts as absent. */
export function pondACLRowPresent(body: string, tag: string): boolean {
  const trimmed = goTrimSpace(tag);
  if (trimmed === '') return false;
  try {
    return rowsPresent(parsePondACLPolicy(body, trimmed));
  } catch (error) {
    if (error instanceof PolicyError) return false;
    throw error;
  }
}

/** The rows a user can paste by hand, in the policy's own shape (grants unless it uses acls). */
export function manualSnippet(tag: string, shape: PolicyShape): string {
  const owner = `"tagOwners": {\n  ${JSON.stringify(tag)}: ["autogroup:admin"],\n},\n`;
  if (shape === 'grants') {
    return `${owner}"grants": [\n  {"src": [${JSON.stringify(tag)}], "dst": [${JSON.stringify(tag)}], "ip": ["*"]},\n],\n`;
  }
  return `${owner}"acls": [\n  {"action": "accept", "src": [${JSON.stringify(tag)}], "dst": [${JSON.stringify(`${tag}:*`)}]},\n],\n`;
}
