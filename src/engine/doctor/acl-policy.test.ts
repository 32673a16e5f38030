import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualSnippet, parsePondACLPolicy, policyShape, pondACLRowPresent, PolicyError } from './acl-policy';
import { mergePondACLPolicy } from './acl-merge';

const TAG = 'tag:cbx-pond-user-alpha';

interface Shape {
  name: string;
  tag: string;
  body: string;
  present: boolean;
  merged?: string;
  error?: string;
}
const shapes = JSON.parse(readFileSync(path.join(__dirname, 'testdata/pond_acl/shapes.json'), 'utf8')) as Shape[];

describe('pondACLRowPresent (crabbox TestPondACLRowPresentChecksConcreteTag)', () => {
  const owner = `"tagOwners": {"${TAG}": ["autogroup:admin"]}`;
  it.each([
    ['grant rows', `{${owner}, "grants": [{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]}]}`, true],
    ['acl rows', `{${owner}, "acls": [{"action": "accept", "src": ["${TAG}"], "dst": ["${TAG}:*"]}]}`, true],
    ['multiline with trailing commas', `{\n  ${owner},\n  "acls": [\n    {"action": "accept", "src": ["${TAG}"], "dst": ["${TAG}:*"],},\n  ],\n}`, true],
    ['commented-out owner', `{"tagOwners": {/* "${TAG}": [] */}, "grants": [{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]}]}`, false],
    ['another pond', `{"tagOwners": {"tag:cbx-pond-user-beta": []}, "grants": [{"src": ["tag:cbx-pond-user-beta"], "dst": ["tag:cbx-pond-user-beta"], "ip": ["*"]}]}`, false],
    ['missing tagOwners', `{"grants": [{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]}]}`, false],
    ['wrong dst', `{${owner}, "acls": [{"action": "accept", "src": ["${TAG}"], "dst": ["tag:other:*"]}]}`, false],
    ['grant with src only', `{${owner}, "grants": [{"src": ["${TAG}"], "ip": ["*"]}]}`, false],
    ['empty ip list', `{${owner}, "grants": [{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": []}]}`, false],
    ['empty body', '', false],
  ])('%s', (_name, body, present) => {
    expect(pondACLRowPresent(body, TAG)).toBe(present);
  });

  it('trims the tag and treats a blank one as absent', () => {
    const body = `{"tagOwners": {"${TAG}": []}, "acls": [{"src": ["${TAG}"], "dst": ["${TAG}"]}]}`;
    expect(pondACLRowPresent(body, ` ${TAG} `)).toBe(true);
    expect(pondACLRowPresent(body, '  ')).toBe(false);
  });

  it('matches rule fields case-insensitively but structural keys exactly', () => {
    const variant = `{"tagOwners": {"${TAG}": []}, "ACLs": [{"SRC": ["${TAG}"], "Dst": ["${TAG}:*"]}]}`;
    expect(pondACLRowPresent(variant, TAG)).toBe(true);
    const state = parsePondACLPolicy(variant, TAG);
    expect(state.acls).toBeNull();
    expect(policyShape(state)).toBe('neither');
    expect(pondACLRowPresent(`{"TagOwners": {"${TAG}": []}, "acls": [{"src": ["${TAG}"], "dst": ["${TAG}"]}]}`, TAG)).toBe(false);
  });

  it('lets the last case-variant duplicate win, as Go does', () => {
    const body = `{"tagOwners": {"${TAG}": []}, "grants": [{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]}], "Grants": null}`;
    expect(pondACLRowPresent(body, TAG)).toBe(false);
  });

  it('agrees with crabbox on every recorded shape', () => {
    for (const shape of shapes) expect({ name: shape.name, present: pondACLRowPresent(shape.body, shape.tag) }).toEqual({ name: shape.name, present: shape.present });
  });
});

describe('parsePondACLPolicy fails closed (crabbox TestPondACLMergePolicyFailsClosedOnAmbiguousShapes)', () => {
  it.each([
    ['{"tagOwners": {}, "tagOwners": {}}', 'pond acl: duplicate top-level policy field "tagOwners"'],
    ['{"tagOwners": {"tag:existing": [], "tag:existing": []}}', 'pond acl: duplicate tagOwners entry "tag:existing"'],
    ['{"tagOwners": {}, "grants": {}}', 'pond acl: grants must be an array'],
    ['{"tagOwners": {}, "acls": null}', 'pond acl: acls must be an array'],
    ['{"tagOwners": []}', 'pond acl: tagOwners must be an object'],
    ['[]', 'pond acl: policy root must be an object'],
    [' \n\t', 'pond acl: empty policy body'],
    ['this is not json or hujson at all {{{', 'pond acl: cannot safely parse HuJSON policy (apply the pond rows manually): hujson: line 1, column 1: invalid literal: this'],
    ['{"grants": [{"src": "tag:x"}]}', 'pond acl: cannot safely decode policy sections: json: cannot unmarshal string into Go struct field pondGrantRule.grants.src of type []string'],
    ['{"Grants": {}}', 'pond acl: cannot safely decode policy sections: json: cannot unmarshal object into Go struct field .grants of type []cli.pondGrantRule'],
  ])('%j', (body, message) => {
    expect(() => parsePondACLPolicy(body, TAG)).toThrow(PolicyError);
    expect(() => parsePondACLPolicy(body, TAG)).toThrow(message);
  });

  it('only tolerates a duplicate key that differs in case', () => {
    expect(() => parsePondACLPolicy('{"acls": [], "ACLS": []}', TAG)).not.toThrow();
  });
});

describe('manualSnippet', () => {
  it('gives the grant form for grants policies and the acl form otherwise, and it merges cleanly', () => {
    const grants = manualSnippet(TAG, 'grants');
    expect(grants).toContain(`"${TAG}": ["autogroup:admin"]`);
    expect(grants).toContain(`{"src": ["${TAG}"], "dst": ["${TAG}"], "ip": ["*"]}`);
    const acls = manualSnippet(TAG, 'acls');
    expect(acls).toContain(`{"action": "accept", "src": ["${TAG}"], "dst": ["${TAG}:*"]}`);
    for (const snippet of [grants, acls]) {
      const pasted = `{\n${snippet}}\n`;
      expect(pondACLRowPresent(pasted, TAG)).toBe(true);
      expect(mergePondACLPolicy(pasted, TAG).edits).toEqual([]);
    }
  });
});
