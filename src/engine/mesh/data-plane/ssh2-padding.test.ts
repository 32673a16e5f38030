/**
 * The ssh2 patch the data plane's upload speed relies on (patches/ssh2+1.17.0.patch):
 * packets' padding comes from a pool the CSPRNG fills, and must stay random and never repeat.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface Ssh2Crypto {
  CIPHER_INFO: Record<string, unknown>;
  createCipher(config: unknown): { allocPacket(payloadLen: number): Buffer };
}

const crypto = require('ssh2/lib/protocol/crypto.js') as Ssh2Crypto;

function cipher(): { allocPacket(payloadLen: number): Buffer } {
  return crypto.createCipher({
    outbound: {
      onWrite: () => {},
      cipherInfo: crypto.CIPHER_INFO['aes128-gcm@openssh.com'],
      cipherKey: Buffer.alloc(16, 1),
      cipherIV: Buffer.alloc(12, 2),
      seqno: 0,
      macInfo: null,
      macKey: null,
    },
  });
}

/** The padding of a packet ssh2 allocated for `payloadLen` bytes. */
function padding(packet: Buffer, payloadLen: number): Buffer {
  return packet.subarray(5 + payloadLen, 5 + payloadLen + packet[4]!);
}

describe('ssh2 packet padding (patched)', () => {
  it('comes from the pool: the patch is applied (npm ci runs patch-package)', () => {
    expect(readFileSync(require.resolve('ssh2/lib/protocol/crypto.js'), 'utf8')).toContain('fillPadding(packet, 5 + payloadLen, padLen);');
  });

  it('is random and never repeats, across many pool refills', () => {
    const a = cipher();
    const b = cipher();
    const lengths = new Set<number>();
    const long = new Set<string>();
    let longCount = 0;
    // 20,000 packets of 4–19 bytes of padding use the 64 KiB pool several times over.
    for (let i = 0; i < 10_000; i += 1) {
      const payloadLen = 32 * 1024 - (i % 16);
      for (const c of [a, b]) {
        const pad = padding(c.allocPacket(payloadLen), payloadLen);
        lengths.add(pad.length);
        // 8 bytes and more: a repeat would not be chance.
        if (pad.length < 8) continue;
        longCount += 1;
        long.add(pad.toString('hex'));
      }
    }
    expect([Math.min(...lengths), Math.max(...lengths)]).toEqual([4, 19]);
    expect(long.size).toBe(longCount);
  });
});
