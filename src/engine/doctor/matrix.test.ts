import { describe, expect, it } from 'vitest';
import type { PeerRow } from '../../contract/index';
import { basePeerRow } from '../rows';
import { claimSchema } from '../claim';
import { buildMatrix, CANONICAL_TRANSPORTS, matrixJSON, reachabilityCell, renderMatrix, type MatrixTransport } from './matrix';

function row(slug: string, transport: MatrixTransport, extra: Partial<PeerRow> = {}): PeerRow {
  return { slug, leaseID: `cbx_${slug}`, provider: 'hetzner', pond: 'alpha', transport, endpoint: '', ...extra };
}

describe('reachabilityCell', () => {
  it('matches the spec table for all 25 pairs', () => {
    const table: Record<string, [string, string | undefined]> = {
      'tailnet>tailnet': ['ok', undefined],
      'tailnet>url': ['ok', 'via outbound HTTPS'],
      'tailnet>ssh': ['warn', 'requires operator-side bridge \u2014 see SSH-mesh DRAFT PR'],
      'tailnet>pending': ['no', 'destination has no published endpoint'],
      'tailnet>none': ['no', 'destination has no published endpoint'],
      'url>tailnet': ['no', 'no public endpoint on tailnet members'],
      'url>url': ['ok', undefined],
      'url>ssh': ['warn', 'requires operator-side bridge'],
      'url>pending': ['no', 'destination has no published endpoint'],
      'url>none': ['no', 'destination has no published endpoint'],
      'ssh>tailnet': ['warn', 'requires operator-side bridge'],
      'ssh>url': ['ok', 'via outbound HTTPS'],
      'ssh>ssh': ['warn', 'requires operator-side bridge \u2014 peers do not share a mesh'],
      'ssh>pending': ['no', 'destination has no published endpoint'],
      'ssh>none': ['no', 'destination has no published endpoint'],
    };
    for (const to of CANONICAL_TRANSPORTS) {
      table[`pending>${to}`] = ['no', 'endpoint not yet discovered'];
      table[`none>${to}`] = ['no', 'source provider owns its own connectivity'];
    }
    for (const from of CANONICAL_TRANSPORTS) {
      for (const to of CANONICAL_TRANSPORTS) {
        const [state, note] = table[`${from}>${to}`] ?? [];
        const cell = reachabilityCell(from, to);
        expect({ from: cell.from, to: cell.to, state: cell.state, note: cell.note }).toEqual({ from, to, state, note });
      }
    }
  });
});

describe('buildMatrix', () => {
  it('is asymmetric across four transports (crabbox TestDoctorPondReachabilityMatrixAsymmetric)', () => {
    const m = buildMatrix('alpha', [row('a', 'tailnet'), row('b', 'url'), row('c', 'ssh'), row('d', 'none')]);
    expect(m.breakdown).toEqual({ tailnet: 1, url: 1, ssh: 1, none: 1 });
    expect(m.transports).toEqual(['tailnet', 'url', 'ssh', 'none']);
    expect(m.cells).toHaveLength(16);
    const state = (from: string, to: string) => m.cells.find((c) => c.from === from && c.to === to)?.state;
    expect(state('url', 'tailnet')).toBe('no');
    expect(state('tailnet', 'url')).toBe('ok');
    expect(state('tailnet', 'ssh')).toBe('warn');
    expect(state('ssh', 'ssh')).toBe('warn');
    expect(state('ssh', 'url')).toBe('ok');
    expect(state('none', 'tailnet')).toBe('no');
  });

  it('takes rows straight from basePeerRow', () => {
    const claim = (data: object) => claimSchema.parse({ leaseID: 'cbx_1', slug: 'web', pond: 'alpha', ...data });
    const rows = [
      basePeerRow(claim({ provider: 'hetzner', tailscaleIPv4: '100.64.0.2' })),
      basePeerRow(claim({ provider: 'aws' })),
      basePeerRow(claim({ provider: 'blacksmith' })),
    ];
    const m = buildMatrix('alpha', rows);
    expect(m.transports).toEqual(['tailnet', 'pending', 'none']);
    expect(m.breakdown).toEqual({ tailnet: 1, pending: 1, none: 1 });
  });
});

describe('renderMatrix', () => {
  it('prints every cell with padded names, glyphs and notes', () => {
    const m = buildMatrix('alpha', [row('a', 'tailnet'), row('b', 'tailnet'), row('c', 'url'), row('d', 'pending'), row('e', 'none')]);
    const text = renderMatrix(m);
    const lines = text.split('\n');
    expect(lines[0]).toBe('pond "alpha": 5 members');
    expect(lines[1]).toBe('  transport breakdown: none=1 pending=1 tailnet=2 url=1');
    expect(lines[2]).toBe('  reachability:');
    expect(lines[3]).toBe('    tailnet -> tailnet : OK');
    expect(lines[4]).toBe('    tailnet -> url     : OK (via outbound HTTPS)');
    expect(lines).toContain('    url     -> tailnet : NO (no public endpoint on tailnet members)');
    expect(lines).toContain('    pending -> none    : NO (endpoint not yet discovered)');
    expect(lines).toContain('    none    -> none    : NO (source provider owns its own connectivity)');
    expect(lines).toHaveLength(3 + 16 + 1);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('prints the SSH cells with their em dashes', () => {
    const text = renderMatrix(buildMatrix('beta', [row('a', 'tailnet'), row('b', 'ssh')]));
    expect(text).toContain('    tailnet -> ssh     : WARN (requires operator-side bridge \u2014 see SSH-mesh DRAFT PR)\n');
    expect(text).toContain('    ssh     -> ssh     : WARN (requires operator-side bridge \u2014 peers do not share a mesh)\n');
    expect(text).toContain('    ssh     -> tailnet : WARN (requires operator-side bridge)\n');
  });

  it('ends the breakdown line after the colon and space when the pond is empty', () => {
    expect(renderMatrix(buildMatrix('empty', []))).toBe('pond "empty": 0 members\n  transport breakdown: \n');
  });

  it('quotes the pond name the way Go %q does', () => {
    expect(renderMatrix(buildMatrix('a"b', [])).split('\n')[0]).toBe('pond "a\\"b": 0 members');
  });
});

describe('matrixJSON', () => {
  it('has the spec shape and Go field order', () => {
    const r = row('web', 'url', {
      provider: 'islo',
      labels: { z: '1', a: '<&>' },
      targets: [{ port: 8080, url: 'https://x', expiresAt: '0001-01-01T00:00:00Z' }],
      transports: ['url'],
    });
    const json = matrixJSON(buildMatrix('alpha', [r]));
    expect(json).toBe(
      '{"pond":"alpha","members":[{"slug":"web","leaseID":"cbx_web","provider":"islo","pond":"alpha","transport":"url","transports":["url"],"endpoint":"","labels":{"a":"\\u003c\\u0026\\u003e","z":"1"},"targets":[{"port":8080,"url":"https://x","expiresAt":"0001-01-01T00:00:00Z"}]}],"breakdown":{"url":1},"transports":["url"],"cells":[{"from":"url","to":"url","state":"ok"}]}',
    );
  });

  it('writes a lone surrogate as U+FFFD and keeps label keys in byte order', () => {
    const r = row('web', 'none', { note: 'half \ud83d', labels: { '9': 'nine', '10': 'ten\udc00', b: 'bee' } });
    expect(matrixJSON(buildMatrix('alpha', [r]))).toContain('"labels":{"10":"ten\ufffd","9":"nine","b":"bee"},"note":"half \ufffd"');
  });

  it('keeps empty lists as [] and sorts breakdown keys', () => {
    expect(matrixJSON(buildMatrix('e', []))).toBe('{"pond":"e","members":[],"breakdown":{},"transports":[],"cells":[]}');
    const parsed = JSON.parse(matrixJSON(buildMatrix('e', [row('a', 'url'), row('b', 'none')]))) as { breakdown: object; cells: object[] };
    expect(Object.keys(parsed.breakdown)).toEqual(['none', 'url']);
    expect(parsed.cells[1]).toEqual({ from: 'url', to: 'none', state: 'no', note: 'destination has no published endpoint' });
  });
});
