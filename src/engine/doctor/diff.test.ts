import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './diff';

const labels = { before: 'a', after: 'b' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toBe('');
  });

  it('shows an insertion with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'new', '5', '6', '7', '8'].join('\n') + '\n';
    expect(unifiedDiff(before, after, labels)).toBe('--- a\n+++ b\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n');
  });

  it('keeps far-apart changes in separate hunks', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const after = [...lines];
    after.splice(2, 0, 'top');
    after.splice(28, 0, 'bottom');
    const diff = unifiedDiff(lines.join('\n'), after.join('\n'), labels);
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('+top\n');
    expect(diff).toContain('+bottom\n');
  });

  it('shows a changed line as a removal and an addition', () => {
    expect(unifiedDiff('{"a":1}', '{"a":1,"b":2}', labels)).toBe('--- a\n+++ b\n@@ -1,1 +1,1 @@\n-{"a":1}\n+{"a":1,"b":2}\n');
  });

  it('does not show CR at the end of CRLF lines', () => {
    expect(unifiedDiff('a\r\n', 'a\r\nb\n', labels)).toBe('--- a\n+++ b\n@@ -1,1 +1,2 @@\n a\n+b\n');
  });
});
