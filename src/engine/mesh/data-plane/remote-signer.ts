/**
 * Public-key auth from a worker without the private key: ssh2 takes it as an agent whose one
 * identity is the member's public key and whose signatures are made on the main thread,
 * where the unlocked key stays (session-keys.ts). One round trip per connection.
 */
import ssh2 from 'ssh2';
import type { ParsedKey, SignCallback, SigningRequestOptions } from 'ssh2';

const { BaseAgent, utils } = ssh2;

export class RemoteSigner extends BaseAgent<ParsedKey> {
  private readonly key: ParsedKey;

  constructor(
    publicKey: Uint8Array,
    private readonly signRemotely: (data: Buffer, hash: string | null) => Promise<Buffer>,
  ) {
    super();
    const parsed = utils.parseKey(Buffer.from(publicKey));
    if (parsed instanceof Error) throw new Error(`the public key handed to the worker cannot be read: ${parsed.message}`);
    this.key = Array.isArray(parsed) ? parsed[0]! : parsed;
  }

  getIdentities(cb: (error: Error | undefined, keys?: ParsedKey[]) => void): void {
    cb(undefined, [this.key]);
  }

  sign(_key: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    const callback = typeof options === 'function' ? options : cb;
    const hash = typeof options === 'object' && typeof options.hash === 'string' ? options.hash : null;
    this.signRemotely(data, hash).then(
      (signature) => callback?.(undefined, signature),
      (error: Error) => callback?.(error),
    );
  }
}
