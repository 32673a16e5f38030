import { describe, expect, it } from 'vitest';
import type { PeerRow } from '../contract/index';
import { goJSON } from './go-json';
import { peerJSON, renderPeersJSON, renderPeersText } from './peers-render';
import { ZERO_TIME } from './go-time';

const row = (fields: Partial<PeerRow>): PeerRow => ({ slug: 'web', leaseID: 'cbx_1', provider: 'aws', pond: 'alpha', transport: 'none', endpoint: '', ...fields });

describe('goJSON of a string (Go json.Encoder string escaping)', () => {
  it.each([
    ['plain', '"plain"'],
    ['<b>&</b>', '"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"'],
    ['q"b\\s', '"q\\"b\\\\s"'],
    ['\n\r\t\b\f', '"\\n\\r\\t\\b\\f"'],
    ['\u0001\u001f', '"\\u0001\\u001f"'],
    ['\u007f', '"\u007f"'],
    ['line\u2028para\u2029', '"line\\u2028para\\u2029"'],
    ['é😀', '"é😀"'],
    ['lone\ud800', '"lone\ufffd"'],
    ['\udc00x', '"\ufffdx"'],
  ])('%j → %s', (input, want) => {
    expect(goJSON(input)).toBe(want);
  });
});

describe('peerJSON (spec §8.1 field order and omitempty)', () => {
  it('always writes slug, leaseID, provider, pond, transport, endpoint; omits the empty rest', () => {
    expect(peerJSON(row({ slug: '' }))).toBe('{"slug":"","leaseID":"cbx_1","provider":"aws","pond":"alpha","transport":"none","endpoint":""}');
    expect(peerJSON(row({ transports: [], labels: {}, note: '', targets: [] }))).toBe(
      '{"slug":"web","leaseID":"cbx_1","provider":"aws","pond":"alpha","transport":"none","endpoint":""}',
    );
  });

  it('writes every field in struct order, labels sorted, targets with expiresAt always present', () => {
    const full = row({
      bridgeState: 'error',
      targets: [
        { port: 8080, url: 'https://a?x=1&y=2', shareID: 's1', expiresAt: '2026-06-11T12:00:00Z' },
        { port: 0, url: 'https://b', expiresAt: '' },
      ],
      note: 'list bridge targets failed: <boom>',
      labels: { z: '1', a: '2', B: '3' },
      endpoint: 'https://a',
      transports: ['url'],
      transport: 'url',
    });
    expect(peerJSON(full)).toBe(
      '{"slug":"web","leaseID":"cbx_1","provider":"aws","pond":"alpha","transport":"url","transports":["url"],"endpoint":"https://a",' +
        '"labels":{"B":"3","a":"2","z":"1"},"note":"list bridge targets failed: \\u003cboom\\u003e",' +
        '"targets":[{"port":8080,"url":"https://a?x=1\\u0026y=2","shareID":"s1","expiresAt":"2026-06-11T12:00:00Z"},' +
        `{"port":0,"url":"https://b","expiresAt":"${ZERO_TIME}"}],"bridgeState":"error"}`,
    );
  });
});

describe('renderPeersJSON', () => {
  it('is one line plus a newline, members [] (never null) when empty', () => {
    expect(renderPeersJSON([])).toBe('{"members":[]}\n');
    const out = renderPeersJSON([row({}), row({ slug: 'b' })]);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.split('\n')).toHaveLength(2);
    expect(JSON.parse(out).members).toHaveLength(2);
  });

  it('writes a lone surrogate as U+FFFD, as Go does, in values and label keys', () => {
    const out = renderPeersJSON([row({ note: 'half \ud83d', labels: { ['k\udc00']: 'v\ud800', ok: '😀' } })]);
    expect(out).toBe(
      '{"members":[{"slug":"web","leaseID":"cbx_1","provider":"aws","pond":"alpha","transport":"none","endpoint":"",' +
        '"labels":{"k\ufffd":"v\ufffd","ok":"😀"},"note":"half \ufffd"}]}\n',
    );
  });
});

describe('renderPeersText (renderBridgePeers)', () => {
  it('says no peers found when empty', () => {
    expect(renderPeersText([])).toBe('no peers found\n');
  });

  it('writes tab-separated fields, optional endpoint/bridge/note (Go-quoted), and indented targets', () => {
    const text = renderPeersText([
      row({ transport: 'ssh', endpoint: 'ssh://1.2.3.4:22' }),
      row({ slug: 'api', provider: 'islo', transport: 'none', bridgeState: 'unsupported', note: 'say "hi"\n' }),
      row({
        slug: 'share',
        provider: 'islo',
        transport: 'url',
        endpoint: 'https://x',
        targets: [
          { port: 8080, url: 'https://x', shareID: 's1', expiresAt: '2026-06-11T12:00:00Z' },
          { port: 0, url: 'https://y', expiresAt: ZERO_TIME },
        ],
      }),
    ]);
    expect(text).toBe(
      'web\tlease=cbx_1\tprovider=aws\tpond=alpha\ttransport=ssh\tendpoint=ssh://1.2.3.4:22\n' +
        'api\tlease=cbx_1\tprovider=islo\tpond=alpha\ttransport=none\tbridge=unsupported\tnote="say \\"hi\\"\\n"\n' +
        'share\tlease=cbx_1\tprovider=islo\tpond=alpha\ttransport=url\tendpoint=https://x\n' +
        '  bridge target port=8080 url=https://x share=s1 expires=2026-06-11T12:00:00Z\n' +
        '  bridge target port=0 url=https://y\n',
    );
  });
});
