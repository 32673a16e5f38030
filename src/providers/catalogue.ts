/**
 * The crabbox provider catalogue (spec §3.1–§3.3): canonical names, aliases and the
 * pond transports each provider advertises. Derived from crabbox's provider specs.
 */

export type Transport = 'tailnet' | 'url' | 'ssh';
export type PeerTransport = Transport | 'pending' | 'none';
export type ProviderKind = 'ssh-lease' | 'delegated-run' | 'service-control' | 'other';

export interface Capabilities {
  /** Bidirectional tailnet membership. */
  tailscale: boolean;
  /** Outbound-only tailnet (Islo); never makes a provider tailnet-primary. */
  tailscaleEgress: boolean;
  sshMesh: boolean;
  urlBridge: boolean;
}

export interface ProviderSpec {
  name: string;
  aliases: readonly string[];
  kind: ProviderKind;
  capabilities: Capabilities;
}

const NONE: Capabilities = { tailscale: false, tailscaleEgress: false, sshMesh: false, urlBridge: false };
const TAILNET_SSH: Capabilities = { ...NONE, tailscale: true, sshMesh: true };
const SSH_ONLY: Capabilities = { ...NONE, sshMesh: true };
const URL_ONLY: Capabilities = { ...NONE, urlBridge: true };

type Row = [name: string, aliases: string[]];

const tailnetSsh: Row[] = [
  ['azure', []],
  ['digitalocean', []],
  ['gcp', ['google', 'google-cloud']],
  ['hetzner', []],
  ['lambda', []],
  ['linode', []],
  ['ovh', []],
  ['scaleway', []],
  ['tencentcloud', ['tencent', 'tencent-cvm', 'cvm']],
];

const sshOnly: Row[] = [
  ['apple-container', ['apple', 'applecontainer']],
  ['apple-vm', ['applevm', 'apple-vz', 'applevz']],
  ['ascii-box', ['ascii', 'asciibox']],
  ['aws', []],
  ['coder', []],
  ['daytona', []],
  ['exe-dev', ['exe', 'exedev']],
  ['external', ['exec-provider']],
  ['firecracker', []],
  ['github-codespaces', ['codespaces', 'gh-codespaces']],
  ['hostinger', []],
  ['hyperv', []],
  ['incus', []],
  ['kubevirt', ['kubernetes-vm']],
  ['local-container', ['docker', 'container', 'local-docker']],
  ['lume', ['local-lume', 'lume-macos']],
  ['machine0', []],
  ['morph', []],
  ['multipass', ['mp', 'canonical-multipass']],
  ['namespace-devbox', ['namespace', 'namespace-devboxes']],
  ['namespace-instance', ['namespace-compute']],
  ['nebius', []],
  ['nvidia-brev', ['brev', 'nvidia']],
  ['parallels', []],
  ['phala', ['phala-cloud', 'dstack']],
  ['proxmox', []],
  ['runpod', ['run-pod', 'runpodio']],
  ['sealos-devbox', ['sealos', 'sealos-dev']],
  ['semaphore', ['sem']],
  ['sprites', []],
  ['ssh', ['static', 'static-ssh']],
  ['tart', ['local-tart', 'macos-vm']],
  ['tenki', []],
  ['vast', ['vast-ai', 'vastai']],
  ['vultr', []],
  ['xcp-ng', []],
];

const noTransport: Row[] = [
  ['agent-sandbox', []],
  ['anthropic-sandbox-runtime', ['srt']],
  ['apple-machine', ['applemachine']],
  ['aws-lambda-microvm', []],
  ['azure-dynamic-sessions', []],
  ['blacksmith-testbox', ['blacksmith']],
  ['blaxel', []],
  ['cloud-run-sandbox', ['gcrun-sandbox', 'google-cloud-run-sandbox', 'cloudrun-sandbox']],
  ['cloudflare', ['cf']],
  ['cloudflare-dynamic-workers', ['cf-dynamic', 'cfdw']],
  ['cloudflare-sandbox', []],
  ['codesandbox', ['csb', 'code-sandbox']],
  ['crownest', []],
  ['cua', []],
  ['cubesandbox', []],
  ['docker-sandbox', []],
  ['fastapi-cloud', ['fastapicloud', 'fastapi']],
  ['freestyle', []],
  ['modal', []],
  ['mxc', ['execution-container']],
  ['nomad', []],
  ['opencomputer', ['oc', 'open-computer']],
  ['opensandbox', []],
  ['orgo', ['orgo-ai']],
  ['smolvm', ['smol', 'smolmachines', 'smolfleet']],
  ['superserve', []],
  ['tensorlake', ['tl', 'tensorlake-sbx']],
  ['unikraft-cloud', ['unikraftcloud', 'ukc']],
  ['upstash-box', ['upstash', 'box', 'upstashbox']],
  ['vercel-sandbox', []],
  ['wandb', ['weights-and-biases']],
  ['windows-sandbox', ['wsb', 'windows-sandbox-provider']],
];

const specs: ProviderSpec[] = [
  ...tailnetSsh.map(([name, aliases]): ProviderSpec => ({ name, aliases, kind: 'ssh-lease', capabilities: TAILNET_SSH })),
  ...sshOnly.map(([name, aliases]): ProviderSpec => ({ name, aliases, kind: 'ssh-lease', capabilities: SSH_ONLY })),
  { name: 'e2b', aliases: [], kind: 'delegated-run', capabilities: URL_ONLY },
  { name: 'railway', aliases: ['rail', 'railwayapp'], kind: 'service-control', capabilities: URL_ONLY },
  // Islo has `ssh` and an egress-only tailnet, but it is delegated, so neither counts.
  { name: 'islo', aliases: [], kind: 'delegated-run', capabilities: { ...URL_ONLY, tailscaleEgress: true } },
  ...noTransport.map(([name, aliases]): ProviderSpec => ({ name, aliases, kind: 'other', capabilities: NONE })),
];

const byName = new Map<string, ProviderSpec>();
for (const spec of specs) {
  byName.set(spec.name, spec);
  for (const alias of spec.aliases) byName.set(alias, spec);
}

export const PROVIDERS: readonly ProviderSpec[] = specs;

/** canonicalClaimProvider (spec §3.1). */
export function canonicalProvider(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === 'aws-fixed-v1') return 'aws';
  if (trimmed === 'machine0-fixed-v1') return 'machine0';
  if (trimmed === 'exec-provider') return 'external';
  const key = trimmed.toLowerCase();
  return byName.get(key)?.name ?? key;
}

export function providerSpec(raw: string): ProviderSpec | undefined {
  return byName.get(canonicalProvider(raw));
}

export function capabilities(raw: string): Capabilities {
  return providerSpec(raw)?.capabilities ?? NONE;
}

/** Available(): `tailnet`, `url`, `ssh` in that order, as the provider supports them. */
export function availableTransports(raw: string): Transport[] {
  const caps = capabilities(raw);
  const out: Transport[] = [];
  if (caps.tailscale) out.push('tailnet');
  if (caps.urlBridge) out.push('url');
  if (caps.sshMesh) out.push('ssh');
  return out;
}

/** Primary(): the first available transport, else `none`. */
export function primaryTransport(raw: string): Transport | 'none' {
  return availableTransports(raw)[0] ?? 'none';
}

/** "Tailscale-capable" for the ACL check and doctor: bidirectional or egress-only. */
export function tailscaleCapable(raw: string): boolean {
  const caps = capabilities(raw);
  return caps.tailscale || caps.tailscaleEgress;
}
