import { describe, expect, it } from 'vitest';
import { availableTransports, canonicalProvider, capabilities, primaryTransport, PROVIDERS, providerSpec, tailscaleCapable } from './catalogue';

/** The catalogue of spec §3.3, as written there: `name (alias, alias)` per entry. */
const SPEC: Record<'tailnet' | 'url' | 'ssh' | 'none', string> = {
  tailnet: `azure; digitalocean; gcp (google, google-cloud); hetzner; lambda; linode;
ovh; scaleway; tencentcloud (tencent, tencent-cvm, cvm)`,
  url: `e2b; railway (rail, railwayapp); islo`,
  ssh: `apple-container (apple, applecontainer); apple-vm (applevm, apple-vz, applevz);
ascii-box (ascii, asciibox); aws; coder; daytona; exe-dev (exe, exedev);
external (exec-provider); firecracker; github-codespaces (codespaces, gh-codespaces);
hostinger; hyperv; incus; kubevirt (kubernetes-vm); local-container (docker, container,
local-docker); lume (local-lume, lume-macos); machine0; morph; multipass (mp,
canonical-multipass); namespace-devbox (namespace, namespace-devboxes); namespace-instance
(namespace-compute); nebius; nvidia-brev (brev, nvidia); parallels; phala (phala-cloud,
dstack); proxmox; runpod (run-pod, runpodio); sealos-devbox (sealos, sealos-dev);
semaphore (sem); sprites; ssh (static, static-ssh); tart (local-tart, macos-vm);
tenki; vast (vast-ai, vastai); vultr; xcp-ng`,
  none: `agent-sandbox; anthropic-sandbox-runtime (srt); apple-machine (applemachine);
aws-lambda-microvm; azure-dynamic-sessions; blacksmith-testbox (blacksmith);
blaxel; cloud-run-sandbox (gcrun-sandbox, google-cloud-run-sandbox, cloudrun-sandbox);
cloudflare (cf); cloudflare-dynamic-workers (cf-dynamic, cfdw); cloudflare-sandbox;
codesandbox (csb, code-sandbox); crownest; cua; cubesandbox; docker-sandbox;
fastapi-cloud (fastapicloud, fastapi); freestyle; modal; mxc (execution-container);
nomad; opencomputer (oc, open-computer); opensandbox; orgo (orgo-ai); smolvm
(smol, smolmachines, smolfleet); superserve; tensorlake (tl, tensorlake-sbx);
unikraft-cloud (unikraftcloud, ukc); upstash-box (upstash, box, upstashbox);
vercel-sandbox; wandb (weights-and-biases); windows-sandbox (wsb, windows-sandbox-provider)`,
};

function parseSpec(text: string): { name: string; aliases: string[] }[] {
  return text
    .replace(/\s+/g, ' ')
    .split(';')
    .map((entry) => {
      const m = /^\s*([a-z0-9-]+)\s*(?:\(([^)]*)\))?\s*$/.exec(entry);
      if (!m) throw new Error(`bad spec entry ${JSON.stringify(entry)}`);
      const aliases = (m[2] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
      return { name: m[1] as string, aliases };
    });
}

const TRANSPORTS = { tailnet: ['tailnet', 'ssh'], url: ['url'], ssh: ['ssh'], none: [] } as const;
const table = (Object.keys(SPEC) as (keyof typeof SPEC)[]).flatMap((primary) =>
  parseSpec(SPEC[primary]).map((entry) => ({ ...entry, primary })),
);

describe('provider catalogue (spec §3.3)', () => {
  it('holds exactly the providers of the spec', () => {
    expect(PROVIDERS.map((p) => p.name).sort()).toEqual(table.map((e) => e.name).sort());
    expect(table).toHaveLength(9 + 3 + 36 + 32);
  });

  it.each(table)('$name: aliases $aliases, primary $primary', ({ name, aliases, primary }) => {
    expect([...(providerSpec(name)?.aliases ?? [])].sort()).toEqual([...aliases].sort());
    expect(primaryTransport(name)).toBe(primary);
    expect(availableTransports(name)).toEqual(TRANSPORTS[primary]);
    for (const alias of aliases) {
      expect(canonicalProvider(alias)).toBe(name);
      expect(canonicalProvider(` ${alias.toUpperCase()} `)).toBe(name);
      expect(primaryTransport(alias)).toBe(primary);
    }
  });

  it('pins the primaries crabbox tests pin', () => {
    for (const p of ['hetzner', 'azure', 'gcp']) expect(primaryTransport(p)).toBe('tailnet');
    for (const p of ['aws', 'proxmox', 'exe-dev', 'daytona']) expect(primaryTransport(p)).toBe('ssh');
    expect(primaryTransport('islo')).toBe('url');
    for (const p of ['modal', 'cloudflare', 'blacksmith-testbox', 'no-such-provider', '']) expect(primaryTransport(p)).toBe('none');
    expect(availableTransports('no-such-provider')).toEqual([]);
  });
});

describe('canonicalProvider (spec §3.1)', () => {
  it('maps the fixed-version and exec names', () => {
    expect(canonicalProvider('aws-fixed-v1')).toBe('aws');
    expect(canonicalProvider(' machine0-fixed-v1 ')).toBe('machine0');
    expect(canonicalProvider('exec-provider')).toBe('external');
  });

  it('lowercases and trims unknown names and keeps them', () => {
    expect(canonicalProvider('  My-Cloud ')).toBe('my-cloud');
    expect(canonicalProvider('')).toBe('');
    expect(canonicalProvider('Hetzner')).toBe('hetzner');
  });
});

describe('capabilities (spec §3.2)', () => {
  it('gives Islo an egress-only tailnet that never makes it tailnet-primary', () => {
    expect(capabilities('islo')).toEqual({ tailscale: false, tailscaleEgress: true, sshMesh: false, urlBridge: true });
    expect(availableTransports('islo')).toEqual(['url']);
  });

  it('counts both tailnet kinds as Tailscale-capable', () => {
    expect(tailscaleCapable('islo')).toBe(true);
    expect(tailscaleCapable('google')).toBe(true);
    expect(tailscaleCapable('aws')).toBe(false);
    expect(tailscaleCapable('e2b')).toBe(false);
    expect(tailscaleCapable('unknown')).toBe(false);
  });

  it('gives unknown providers nothing', () => {
    expect(capabilities('nope')).toEqual({ tailscale: false, tailscaleEgress: false, sshMesh: false, urlBridge: false });
  });
});
