/**
 * The bootstrap merge (spec §7.5): add a pond's tag owner and self-peering rule to a
 * HuJSON policy with minimal text edits, so every byte the merge does not need to touch
 * (comments, order, indentation, trailing commas, unknown sections) stays identical and
 * the result matches crabbox's byte for byte.
 *
 * jsonc-parser's `modify` formats its own way, so the edits are computed here from the
 * parse tree: each touched container gets one edit spanning from the end of its last
 * item to its closing bracket, rebuilt the way crabbox's hujson patch lays it out.
 */
import { applyEdits, type Edit } from 'jsonc-parser';
import { leadingGap, siblingSpacing, takeTrailingComments, hasComment, type HArray, type HObject } from './hujson';
import { accessPresent, parsePondACLPolicy, PolicyError, rowsPresent, trailingComma, type PolicyShape, policyShape } from './acl-policy';

export interface MergeResult {
  /** The merged policy (the input itself when the rows were already there). */
  text: string;
  edits: Edit[];
  /** The policy's shape before the merge: where the access row went. */
  shape: PolicyShape;
}

const OWNERS = ['autogroup:admin'];

function ownerValue(): string {
  return JSON.stringify(OWNERS);
}

function grantRule(tag: string): string {
  return JSON.stringify({ src: [tag], dst: [tag], ip: ['*'] });
}

function aclRule(tag: string): string {
  return JSON.stringify({ action: 'accept', src: [tag], dst: [`${tag}:*`] });
}

/** Appended object members get one space after the colon; their values stay compact. */
function member(name: string, value: string): string {
  return `${JSON.stringify(name)}: ${value}`;
}

/**
 * One edit appending `items` (already rendered) to `container`: from the end of its last
 * item (or just inside an empty container) to its closing bracket.
 */
function appendEdit(text: string, container: HObject | HArray, items: string[]): Edit {
  const existing = container.kind === 'object' ? container.members : container.elements;
  const count = existing.length;
  const close = container.end - 1;
  const last = existing[count - 1];
  const regionStart = last ? last.value.end : container.start + 1;
  const hadTrailingComma = trailingComma(container);

  let beforeComma = '';
  let tail: string;
  if (last && last.comma !== null) {
    beforeComma = text.slice(last.value.end, last.comma);
    tail = text.slice(last.comma + 1, close);
  } else {
    tail = text.slice(regionStart, close);
  }

  const gaps: string[] = [];
  for (let k = 0; k < items.length; k += 1) {
    const { moved, rest } = takeTrailingComments(tail);
    gaps.push(moved);
    tail = rest;
  }
  let previous = count > 0 ? leadingGap(text, container, count - 1) : '';
  for (let k = 0; k < items.length; k += 1) {
    const index = count + k;
    if (index > 0 && !hasComment(gaps[k] ?? '')) gaps[k] = siblingSpacing(previous);
    previous = gaps[k] ?? '';
  }

  let content = count > 0 ? `${beforeComma},` : '';
  content += items.map((item, k) => `${gaps[k] ?? ''}${item}`).join(',');
  if (hadTrailingComma) content += ',';
  content += tail;
  return { offset: regionStart, length: close - regionStart, content };
}

/**
 * pondACLMergePolicy: the policy with `tag`'s rows added, or an error (the policy is left
 * alone) when its shape is ambiguous. Merging a merged policy returns it unchanged.
 */
export function mergePondACLPolicy(body: string, tag: string): MergeResult {
  const state = parsePondACLPolicy(body, tag);
  const shape = policyShape(state);
  if (rowsPresent(state)) return { text: body, edits: [], shape };

  const edits: Edit[] = [];
  const rootItems: string[] = [];
  if (!state.ownerPresent) {
    if (state.tagOwners) edits.push(appendEdit(body, state.tagOwners, [member(tag, ownerValue())]));
    else rootItems.push(member('tagOwners', JSON.stringify({ [tag]: OWNERS })));
  }
  if (!accessPresent(state)) {
    if (state.grants) edits.push(appendEdit(body, state.grants, [grantRule(tag)]));
    else if (state.acls) edits.push(appendEdit(body, state.acls, [aclRule(tag)]));
    else rootItems.push(member('acls', `[${aclRule(tag)}]`));
  }
  if (rootItems.length > 0) edits.push(appendEdit(body, state.root, rootItems));
  edits.sort((a, b) => a.offset - b.offset);

  const text = applyEdits(body, edits);
  let verified;
  try {
    verified = parsePondACLPolicy(text, tag);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    throw new PolicyError(`pond acl: verify patched HuJSON policy: ${error.message}`);
  }
  if (!rowsPresent(verified)) throw new PolicyError('pond acl: patched HuJSON policy is missing the required pond rows');
  return { text, edits, shape };
}
