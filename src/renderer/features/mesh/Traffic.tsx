import type { MeshForwardShape } from '../../../contract/index';
import { formatBytes } from './mesh-panel';

/** A forward's bytes received and sent, kept on one line. */
export function Traffic({ forward }: { forward: MeshForwardShape }) {
  return (
    <span className="nowrap">
      <span aria-label="received">↓</span> {formatBytes(forward.bytesIn)} <span aria-label="sent">↑</span> {formatBytes(forward.bytesOut)}
    </span>
  );
}
