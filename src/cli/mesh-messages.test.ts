import { describe, expect, it } from 'vitest';
import { ineligibleProviderMessage, noMeshMembersMessage, nothingToForwardMessage } from './mesh-messages';

describe('crabbox pond connect messages', () => {
  it('match crabbox byte for byte, Go-quoting the names', () => {
    expect(ineligibleProviderMessage('alpha', 'islo')).toBe('pond "alpha": skipping provider "islo" (no SSH-mesh capability)');
    expect(noMeshMembersMessage('alpha')).toBe('pond "alpha" has no SSH-mesh-capable members');
    expect(nothingToForwardMessage('alpha')).toBe('pond "alpha" has no members declaring --expose; nothing to forward');
    expect(noMeshMembersMessage('a"b')).toBe('pond "a\\"b" has no SSH-mesh-capable members');
  });
});
