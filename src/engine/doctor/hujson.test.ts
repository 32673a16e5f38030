import { describe, expect, it } from 'vitest';
import { classifyComments, hasComment, HuJSONError, leadingGap, parseHuJSON, siblingSpacing, takeTrailingComments } from './hujson';

describe('parseHuJSON', () => {
  it('reads comments, trailing commas and offsets', () => {
    const text = '// c\n{ "a": [1, 2,], /* b */ "b": {"x": null,}, }\n';
    const root = parseHuJSON(text);
    expect(root.kind).toBe('object');
    if (root.kind !== 'object') return;
    expect(root.members.map((m) => m.name)).toEqual(['a', 'b']);
    const a = root.members[0]?.value;
    expect(a?.kind === 'array' && a.elements.map((e) => e.comma !== null)).toEqual([true, true]);
    expect(root.members[1]?.comma).not.toBeNull();
    expect(text.slice(root.start, root.end)).toBe('{ "a": [1, 2,], /* b */ "b": {"x": null,}, }');
    expect(leadingGap(text, root, 1)).toBe(' /* b */ ');
  });

  it('unescapes member names', () => {
    const root = parseHuJSON('{"tag\\u004fwners": 1}');
    expect(root.kind === 'object' && root.members[0]?.name).toBe('tagOwners');
  });

  it.each([
    ['{} // no newline', 'hujson: line 1, column 4: parsing comment: unexpected EOF'],
    ['\ufeff{}', "hujson: line 1, column 1: invalid character '\\ufeff' at start of value"],
    ['{\n  "a": 1,,\n}', "hujson: line 2, column 10: invalid character ',' at start of value"],
    ['{} x', "hujson: line 1, column 4: invalid character 'x' after top-level value"],
    ['{"a": NaN}', 'hujson: line 1, column 7: invalid literal: NaN'],
    ['{"a": 01}', 'hujson: line 1, column 7: invalid literal: 01'],
    ["{'a': 1}", "hujson: line 1, column 2: invalid character '\\'' at start of value"],
    ['', 'hujson: line 1, column 1: parsing value: unexpected EOF'],
  ])('refuses %j', (text, message) => {
    expect(() => parseHuJSON(text)).toThrow(HuJSONError);
    expect(() => parseHuJSON(text)).toThrow(message);
  });

  it('lets a line comment run past a lone CR to the LF, as hujson does', () => {
    const root = parseHuJSON('{"a": 1 // note\r more\n}');
    expect(root.kind === 'object' && root.members[0]?.name).toBe('a');
  });
});

describe('the extra model', () => {
  it('tells comments from whitespace', () => {
    expect(hasComment(' \r\n\t')).toBe(false);
    expect(hasComment(' // x\n')).toBe(true);
  });

  it('gives a same-line line comment to the item before it', () => {
    expect(classifyComments(' // mine\n  ')).toEqual([9, 9]);
    expect(takeTrailingComments(' // mine\n  ')).toEqual({ moved: ' // mine\n', rest: '\n  ' });
  });

  it('leaves own-line comments before the closing bracket', () => {
    expect(classifyComments('\n    // closing note\n  ')).toEqual([0, 0]);
    expect(takeTrailingComments('\n    // closing note\n  ')).toEqual({ moved: '', rest: '\n    // closing note\n  ' });
  });

  it('splits comment blocks at the first blank line', () => {
    const extra = '\n  // a\n\n  // b\n';
    expect(classifyComments(extra)).toEqual([8, 8]);
    expect(takeTrailingComments(extra)).toEqual({ moved: '\n  // a\n', rest: '\n\n  // b\n' });
  });

  it('drops blanks before a newline ending the gap', () => {
    expect(takeTrailingComments(' \r\n')).toEqual({ moved: '', rest: '\n' });
  });

  it('derives sibling spacing from the previous gap', () => {
    expect(siblingSpacing('\n    ')).toBe('\n    ');
    expect(siblingSpacing('\r\n\t\t')).toBe('\n\t\t');
    expect(siblingSpacing(' ')).toBe(' ');
    expect(siblingSpacing('')).toBe('');
    expect(siblingSpacing('\n  /* c */ ')).toBe('');
    expect(siblingSpacing(' /* c */ ')).toBe('');
  });
});
