/**
 * HuJSON (JSON with comments and trailing commas, tailscale/hujson semantics) read with
 * jsonc-parser, plus the "extra" model hujson uses for the bytes between tokens.
 *
 * jsonc-parser finds the structure and offsets; the bytes between tokens are then
 * checked against hujson's own grammar (only space, tab, CR, LF, `//…\n` and `/*…*\/`),
 * so anything hujson refuses is refused here too: a `//` comment at the very end without
 * a newline, a byte-order mark, a non-breaking space. Offsets are UTF-16 code units.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export interface HLiteral {
  kind: 'literal';
  start: number;
  end: number;
  /** The decoded JSON value (string, number, boolean or null). */
  value: string | number | boolean | null;
}

export interface HMember {
  /** The member name, unescaped. */
  name: string;
  nameStart: number;
  nameEnd: number;
  colon: number;
  value: HValue;
  /** Offset of the comma after this member, or null (last member, no trailing comma). */
  comma: number | null;
}

export interface HObject {
  kind: 'object';
  /** Offset of `{`. */
  start: number;
  /** Offset just past `}`. */
  end: number;
  members: HMember[];
}

export interface HElement {
  value: HValue;
  comma: number | null;
}

export interface HArray {
  kind: 'array';
  start: number;
  end: number;
  elements: HElement[];
}

export type HValue = HLiteral | HObject | HArray;

export class HuJSONError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`hujson: line ${line}, column ${column}: ${reason}`);
    this.name = 'HuJSONError';
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: 1 + offset - lineStart };
}

function fail(text: string, offset: number, reason: string): never {
  const { line, column } = lineColumn(text, offset);
  throw new HuJSONError(line, column, reason);
}

// ---------------------------------------------------------------------------------------
// The extra grammar (whitespace and comments), as hujson reads it.

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10;
}

/** Length of the whitespace run at `from`. */
export function whitespaceLength(text: string, from = 0): number {
  let n = from;
  while (n < text.length && isSpace(text.charCodeAt(n))) n += 1;
  return n - from;
}

/** Length of the comment at `from`: 0 if none starts there, -1 if it never ends. */
export function commentLength(text: string, from = 0): number {
  let end: string;
  if (text.startsWith('//', from)) end = '\n';
  else if (text.startsWith('/*', from)) end = '*/';
  else return 0;
  const i = text.indexOf(end, from + 2);
  return i < 0 ? -1 : i + end.length - from;
}

/** Where the whitespace and comments starting at `from` end, or an error at an unterminated comment. */
function skipExtra(text: string, from: number): number {
  let n = from;
  for (;;) {
    n += whitespaceLength(text, n);
    const c = commentLength(text, n);
    if (c === 0) return n;
    if (c < 0) fail(text, n, 'parsing comment: unexpected EOF');
    n += c;
  }
}

/** True when the extra holds anything besides whitespace (a comment). */
export function hasComment(extra: string): boolean {
  return whitespaceLength(extra) < extra.length;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) count += 1;
  return count;
}

/**
 * Splits the extra between two items: `[0, prevEnd)` belongs to the item before,
 * `[currStart, …)` to the item after. A blank line divides comment blocks; without one,
 * only a line comment that starts on the previous item's line belongs to it.
 */
export function classifyComments(extra: string): [prevEnd: number, currStart: number] {
  let firstDivider = 0;
  let lastDivider = 0;
  let dividers = 0;
  let n = 0;
  let prevNewline = 0;
  while (n < extra.length) {
    const nw = whitespaceLength(extra, n);
    if (prevNewline + countNewlines(extra.slice(n, n + nw)) >= 2) {
      if (dividers === 0) firstDivider = n;
      lastDivider = n;
      dividers += 1;
    }
    n += nw;
    const nc = commentLength(extra, n);
    if (nc <= 0) break;
    prevNewline = extra.slice(n, n + nc).endsWith('\n') ? 1 : 0;
    n += nc;
  }
  if (dividers === 0) {
    const nw = whitespaceLength(extra);
    const end = nw + Math.max(0, commentLength(extra, nw));
    const head = extra.slice(0, end);
    if (countNewlines(head) === 1 && head.endsWith('\n')) return [end, end];
    return [0, 0];
  }
  return [firstDivider, lastDivider];
}

/**
 * What appending an item does to the extra before a closing bracket: comments that belong
 * to the old last item move in front of the new item; the rest stays before the bracket
 * (keeping one newline of what moved).
 */
export function takeTrailingComments(extra: string): { moved: string; rest: string } {
  const [prevEnd] = classifyComments(extra);
  const moved = extra.slice(0, prevEnd);
  const cut = moved.endsWith('\n') ? prevEnd - 1 : prevEnd;
  return { moved: hasComment(moved) ? moved : '', rest: extra.slice(cut) };
}

/**
 * The leading gap for an item appended after one whose leading gap is `previous`: the
 * previous item's indentation on a new line, one space between items on one line, or
 * nothing. CR is dropped, so CRLF files get an LF here.
 */
export function siblingSpacing(previous: string): string {
  const newline = previous.lastIndexOf('\n');
  if (newline >= 0) {
    const indent = previous.slice(newline + 1);
    if (/^[ \t]*$/.test(indent)) return `\n${indent}`;
  }
  if (previous.length > 0 && /^[ \t]*$/.test(previous)) return ' ';
  return '';
}

// ---------------------------------------------------------------------------------------
// Parsing.

/** Go's `%q` for one rune, as hujson quotes the offending character. */
function quoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  if (ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) return `'${ch}'`;
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0xffff ? `'\\u${cp.toString(16).padStart(4, '0')}'` : `'\\U${cp.toString(16).padStart(8, '0')}'`;
}

const LITERAL_CHAR = /[-+.a-zA-Z0-9]/;

/** Where each jsonc-parser error stands in hujson's grammar. */
const WHERE: Record<string, string> = {
  EndOfFileExpected: 'after top-level value',
  ColonExpected: 'after object name',
  CloseBraceExpected: "after object value (expecting ',' or '}')",
  CloseBracketExpected: "after array value (expecting ',' or ']')",
};

/** The string literal starting at `from` (to its closing quote, or the end of the text). */
function stringAt(text: string, from: number): string {
  let i = from + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return text.slice(from, i + 1);
}

/** An error at `offset` in hujson's words: the literal it could not read, or the character. */
function describeAt(text: string, offset: number, code: string): { offset: number; reason: string } {
  if (offset >= text.length) return { offset, reason: 'parsing value: unexpected EOF' };
  if (commentLength(text, offset) < 0) return { offset, reason: 'parsing comment: unexpected EOF' };
  const ch = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  if (code !== 'EndOfFileExpected' && code !== 'ColonExpected') {
    if (ch === '"') return { offset, reason: `invalid literal: ${stringAt(text, offset)}` };
    if (LITERAL_CHAR.test(ch)) {
      let start = offset;
      while (start > 0 && LITERAL_CHAR.test(text[start - 1] ?? '')) start -= 1;
      const run = /^[-+.a-zA-Z0-9]+/.exec(text.slice(start))?.[0] ?? ch;
      let valid = true;
      try {
        JSON.parse(run);
      } catch {
        valid = false;
      }
      if (!valid) return { offset: start, reason: `invalid literal: ${run}` };
      if (code === 'PropertyNameExpected') return { offset: start, reason: `invalid character ${quoteRune(ch)} at start of object name` };
    }
  }
  return { offset, reason: `invalid character ${quoteRune(ch)} ${WHERE[code] ?? 'at start of value'}` };
}

class Builder {
  constructor(private readonly text: string) {}

  /** Skips extra from `from`; it must end exactly at `expected`. */
  gap(from: number, expected: number): void {
    const end = skipExtra(this.text, from);
    if (end !== expected) this.invalid(end, 'ValueExpected');
  }

  invalid(offset: number, code: string): never {
    const { offset: at, reason } = describeAt(this.text, offset, code);
    fail(this.text, at, reason);
  }

  /** Skips extra after an item: returns the comma offset, or null at the closing bracket. */
  separator(from: number, close: number): number | null {
    const end = skipExtra(this.text, from);
    if (end === close) return null;
    if (this.text[end] !== ',') this.invalid(end, 'CloseBraceExpected');
    return end;
  }

  literal(node: Node): HLiteral {
    const start = node.offset;
    const end = node.offset + node.length;
    try {
      // Strict JSON decides what a literal is, as it does for hujson.
      const value = JSON.parse(this.text.slice(start, end)) as HLiteral['value'];
      return { kind: 'literal', start, end, value };
    } catch {
      fail(this.text, start, `invalid literal: ${this.text.slice(start, end)}`);
    }
  }

  value(node: Node | undefined, at: number): HValue {
    if (!node) fail(this.text, at, 'expected a value');
    if (node.type === 'object') return this.object(node);
    if (node.type === 'array') return this.array(node);
    return this.literal(node);
  }

  object(node: Node): HObject {
    const start = node.offset;
    const end = node.offset + node.length;
    const close = end - 1;
    const members: HMember[] = [];
    let pos = start + 1;
    for (const property of node.children ?? []) {
      const [key, child] = property.children ?? [];
      if (!key || key.type !== 'string' || property.colonOffset === undefined) fail(this.text, property.offset, 'expected an object name');
      const nameStart = key.offset;
      const nameEnd = key.offset + key.length;
      this.gap(pos, nameStart);
      const name = this.literal(key).value as string;
      const colon = property.colonOffset;
      this.gap(nameEnd, colon);
      const value = this.value(child, colon + 1);
      this.gap(colon + 1, value.start);
      const comma = this.separator(value.end, close);
      members.push({ name, nameStart, nameEnd, colon, value, comma });
      pos = comma === null ? value.end : comma + 1;
    }
    this.gap(pos, close);
    return { kind: 'object', start, end, members };
  }

  array(node: Node): HArray {
    const start = node.offset;
    const end = node.offset + node.length;
    const close = end - 1;
    const elements: HElement[] = [];
    let pos = start + 1;
    for (const child of node.children ?? []) {
      const value = this.value(child, pos);
      this.gap(pos, value.start);
      const comma = this.separator(value.end, close);
      elements.push({ value, comma });
      pos = comma === null ? value.end : comma + 1;
    }
    this.gap(pos, close);
    return { kind: 'array', start, end, elements };
  }
}

/**
 * Parses HuJSON, or throws a HuJSONError naming the line and column. jsonc-parser ends a
 * `//` comment at a lone CR where hujson runs on to the LF, so lone CRs are shown to it as
 * spaces (same offsets); literals are then re-read from the original text.
 */
export function parseHuJSON(text: string): HValue {
  const errors: ParseError[] = [];
  const shown = text.replace(/\r(?!\n)/g, ' ');
  const tree = parseTree(shown, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const builder = new Builder(text);
  const first = errors[0];
  if (first) {
    const afterRoot = tree !== undefined && first.offset >= tree.offset + tree.length;
    builder.invalid(first.offset, afterRoot ? 'EndOfFileExpected' : printParseErrorCode(first.error));
  }
  const root = builder.value(tree, 0);
  builder.gap(0, root.start);
  builder.gap(root.end, text.length);
  return root;
}

/** The leading gap of item `index` (after the open bracket or the previous comma). */
export function leadingGap(text: string, container: HObject | HArray, index: number): string {
  const items: Array<HMember | HElement> = container.kind === 'object' ? container.members : container.elements;
  const from = index === 0 ? container.start + 1 : (items[index - 1]?.comma ?? container.start) + 1;
  const to = container.kind === 'object' ? container.members[index]?.nameStart : container.elements[index]?.value.start;
  return to === undefined ? '' : text.slice(from, to);
}
