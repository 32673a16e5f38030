/** Go compares strings by UTF-8 bytes; crabbox's orderings (rows, names, files) follow it. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
