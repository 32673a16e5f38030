import { describe, expect, it } from 'vitest';
import { parseExposedPortsLabel, renderExposedPortsLabel, requestedExposedPorts } from './exposed-ports';

describe('requestedExposedPorts (spec §1.5, crabbox messages)', () => {
  it('splits on commas, drops duplicates, sorts', () => {
    expect(requestedExposedPorts(['8080', '9090', '9090', '80,443'])).toEqual({ ok: true, ports: [80, 443, 8080, 9090] });
  });

  it('accepts a sign and leading zeros, renders plain decimals', () => {
    expect(requestedExposedPorts(['+80', '0080', ' 22 , ,443 '])).toEqual({ ok: true, ports: [22, 80, 443] });
  });

  it('accepts no values at all', () => {
    expect(requestedExposedPorts([])).toEqual({ ok: true, ports: [] });
  });

  it.each([[''], ['   '], [' , , ']])('rejects the empty value %j', (value) => {
    expect(requestedExposedPorts([value])).toEqual({ ok: false, error: '--expose value must not be empty' });
  });

  it.each([
    ['abc', '--expose "abc" must be a TCP port in 1..65535'],
    ['0', '--expose "0" must be a TCP port in 1..65535'],
    ['70000', '--expose "70000" must be a TCP port in 1..65535'],
    ['-1', '--expose "-1" must be a TCP port in 1..65535'],
    ['8080 9090', '--expose "8080 9090" must be a TCP port in 1..65535'],
    ['80,x', '--expose "x" must be a TCP port in 1..65535'],
    ['99999999999999999999', '--expose "99999999999999999999" must be a TCP port in 1..65535'],
    ['1.5', '--expose "1.5" must be a TCP port in 1..65535'],
  ])('rejects %j', (value, error) => {
    expect(requestedExposedPorts([value])).toEqual({ ok: false, error });
  });

  it('quotes the bad piece like Go %q', () => {
    expect(requestedExposedPorts(['\u0001'])).toEqual({ ok: false, error: '--expose "\\x01" must be a TCP port in 1..65535' });
    expect(requestedExposedPorts(['a"b'])).toEqual({ ok: false, error: '--expose "a\\"b" must be a TCP port in 1..65535' });
  });

  it('caps at 10 distinct ports, counting duplicates once', () => {
    const ten = Array.from({ length: 10 }, (_, i) => String(8000 + i));
    expect(requestedExposedPorts([...ten, '8000'])).toEqual({ ok: true, ports: ten.map(Number) });
    expect(requestedExposedPorts([...ten, '9999'])).toEqual({ ok: false, error: '--expose accepts at most 10 distinct ports per lease' });
    expect(requestedExposedPorts([`${ten.join(',')},9999`])).toEqual({ ok: false, error: '--expose accepts at most 10 distinct ports per lease' });
  });
});

describe('exposed ports label', () => {
  it('is tolerant of garbage and keeps duplicates', () => {
    expect(parseExposedPortsLabel('8080-xyz-9090-bad-80')).toEqual([80, 8080, 9090]);
    expect(parseExposedPortsLabel('65535-1-1')).toEqual([1, 1, 65535]);
    expect(parseExposedPortsLabel(' 99999999 ')).toEqual([]);
    expect(parseExposedPortsLabel('')).toEqual([]);
    expect(parseExposedPortsLabel(undefined)).toEqual([]);
    expect(parseExposedPortsLabel('0-443')).toEqual([443]);
  });

  it('renders ascending, dash-joined; empty for none', () => {
    expect(renderExposedPortsLabel([9090, 8080])).toBe('8080-9090');
    expect(renderExposedPortsLabel([])).toBe('');
    const ten = [10000, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009];
    expect(renderExposedPortsLabel(ten).length).toBeLessThanOrEqual(63);
  });

  it('round-trips validated ports through the label', () => {
    const parsed = requestedExposedPorts(['9090,80', '443']);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parseExposedPortsLabel(renderExposedPortsLabel(parsed.ports))).toEqual(parsed.ports);
  });
});
