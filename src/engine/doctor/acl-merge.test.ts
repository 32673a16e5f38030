import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergePondACLPolicy } from './acl-merge';
import { parsePondACLPolicy, pondACLRowPresent, trailingComma } from './acl-policy';

const dir = path.join(__dirname, 'testdata/pond_acl');
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const TAG = 'tag:cbx-pond-alice-pr-42';

interface Shape {
  name: string;
  tag: string;
  body: string;
  merged?: string;
  error?: string;
}
const shapes = JSON.parse(read('shapes.json')) as Shape[];

/** Every byte outside the edits is unchanged, and the edits only insert around the old text. */
function expectMinimal(before: string, result: ReturnType<typeof mergePondACLPolicy>): void {
  let cursor = 0;
  let rebuilt = '';
  for (const edit of result.edits) {
    rebuilt += before.slice(cursor, edit.offset) + edit.content;
    cursor = edit.offset + edit.length;
  }
  expect(rebuilt + before.slice(cursor)).toBe(result.text);
}

describe('mergePondACLPolicy', () => {
  it.each(['grants', 'acls'])("reproduces crabbox's %s golden byte for byte, and re-merging changes nothing", (name) => {
    const input = read(`${name}.input.hujson`);
    const merged = mergePondACLPolicy(input, TAG);
    expect(merged.text).toBe(read(`${name}.golden.hujson`));
    expect(merged.shape).toBe(name);
    expectMinimal(input, merged);
    const again = mergePondACLPolicy(merged.text, TAG);
    expect(again.text).toBe(merged.text);
    expect(again.edits).toEqual([]);
  });

  it('reproduces the spec worked example', () => {
    const input = `// team policy\n{\n  "tagOwners": {\n    "tag:ci": ["group:devs"],\n  },\n  "grants": [\n    {\n      "src": ["group:devs"],\n      "dst": ["tag:ci"],\n      "ip": ["22"],\n    },\n    // end of grants\n  ],\n  "ssh": [],\n}\n`;
    const want = `// team policy\n{\n  "tagOwners": {\n    "tag:ci": ["group:devs"],\n    "tag:cbx-pond-carol-web": ["autogroup:admin"],\n  },\n  "grants": [\n    {\n      "src": ["group:devs"],\n      "dst": ["tag:ci"],\n      "ip": ["22"],\n    },\n    {"src":["tag:cbx-pond-carol-web"],"dst":["tag:cbx-pond-carol-web"],"ip":["*"]},\n    // end of grants\n  ],\n  "ssh": [],\n}\n`;
    expect(mergePondACLPolicy(input, 'tag:cbx-pond-carol-web').text).toBe(want);
  });

  it('matches crabbox on every recorded policy shape (result or error)', () => {
    expect(shapes.length).toBeGreaterThanOrEqual(60);
    for (const shape of shapes) {
      let got: { merged?: string; error?: string };
      try {
        const result = mergePondACLPolicy(shape.body, shape.tag);
        expectMinimal(shape.body, result);
        got = { merged: result.text };
        expect({ name: shape.name, again: mergePondACLPolicy(result.text, shape.tag).text }).toEqual({ name: shape.name, again: result.text });
      } catch (error) {
        got = { error: (error as Error).message };
      }
      expect({ name: shape.name, ...got }).toEqual({ name: shape.name, ...(shape.error ? { error: shape.error } : { merged: shape.merged }) });
    }
  });

  it('adds a legacy acls section to a policy with neither grants nor acls', () => {
    const merged = mergePondACLPolicy('{\n  "groups": {},\n}\n', TAG);
    expect(merged.shape).toBe('neither');
    expect(merged.text).toBe(
      `{\n  "groups": {},\n  "tagOwners": {"${TAG}":["autogroup:admin"]},\n  "acls": [{"action":"accept","src":["${TAG}"],"dst":["${TAG}:*"]}],\n}\n`,
    );
  });

  it('prefers grants when both sections exist, even if grants is empty', () => {
    const merged = mergePondACLPolicy('{"grants": [], "acls": [{"action":"accept","src":["*"],"dst":["*:*"]}]}', TAG);
    expect(merged.text).toContain(`"grants": [{"src":["${TAG}"],"dst":["${TAG}"],"ip":["*"]}]`);
    expect(merged.text).toContain('"acls": [{"action":"accept","src":["*"],"dst":["*:*"]}]');
  });

  it('keeps the root trailing comma and both comments (TestPondACLMergePolicyPreservesRootTrailingCommaWhenAddingSections)', () => {
    const input = '// keep this\n{\n  "groups": {\n    "group:ops": ["alice@example.com"],\n  },\n  // Keep this root-closing note.\n}';
    const merged = mergePondACLPolicy(input, TAG).text;
    const state = parsePondACLPolicy(merged, TAG);
    expect(trailingComma(state.root)).toBe(true);
    expect(merged.startsWith('// keep this\n')).toBe(true);
    expect(merged).toContain('// Keep this root-closing note.\n}');
    expect(pondACLRowPresent(merged, TAG)).toBe(true);
  });

  it('does not duplicate an existing access row (TestPondACLMergePolicyDoesNotDuplicateExistingAccessRow)', () => {
    const input = `{\n  "acls": [\n    {"action":"accept","src":["${TAG}"],"dst":["${TAG}:*"]},\n  ],\n}`;
    const merged = mergePondACLPolicy(input, TAG).text;
    expect(merged.split(`"src":["${TAG}"]`)).toHaveLength(2);
    expect(pondACLRowPresent(merged, TAG)).toBe(true);
  });

  it('turns CRLF into LF only in the gap it writes', () => {
    const input = '{\r\n  "grants": [\r\n    {"src": ["a"], "dst": ["b"], "ip": ["1"]},\r\n  ],\r\n}\r\n';
    const merged = mergePondACLPolicy(input, TAG).text;
    expect(merged).toContain(`[\r\n    {"src": ["a"], "dst": ["b"], "ip": ["1"]},\n    {"src":["${TAG}"]`);
    expect(merged.startsWith('{\r\n  "grants": [\r\n')).toBe(true);
  });

  it('keeps a same-line // comment glued to the old last item', () => {
    const input = '{\n  "tagOwners": {\n    "tag:ci": ["x"], // ci\n  },\n  "acls": [],\n}\n';
    const merged = mergePondACLPolicy(input, TAG).text;
    expect(merged).toContain(`"tag:ci": ["x"], // ci\n"${TAG}": ["autogroup:admin"],\n  },`);
    expect(merged).toContain(`"acls": [{"action":"accept"`);
  });
});
