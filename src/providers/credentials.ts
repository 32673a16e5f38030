/**
 * Provider credentials for the URL bridge. The environment variables crabbox reads win
 * (spec §4); otherwise a value the user entered in the app, kept encrypted in the
 * settings file. Values leave this module only towards provider adapters: listings carry
 * names and sources, never values.
 */

export type CredentialName = 'ISLO_API_KEY' | 'E2B_API_KEY' | 'RAILWAY_API_TOKEN' | 'RAILWAY_PROJECT_ID' | 'RAILWAY_ENVIRONMENT_ID';

export interface CredentialSpec {
  name: CredentialName;
  provider: 'islo' | 'e2b' | 'railway';
  label: string;
  /** Environment variables crabbox reads, in precedence order. */
  env: readonly string[];
  /** False for identifiers that are not secret (still stored like the rest). */
  secret: boolean;
}

export const CREDENTIALS: readonly CredentialSpec[] = [
  { name: 'ISLO_API_KEY', provider: 'islo', label: 'Islo API key', env: ['CRABBOX_ISLO_API_KEY', 'ISLO_API_KEY'], secret: true },
  { name: 'E2B_API_KEY', provider: 'e2b', label: 'E2B API key', env: ['CRABBOX_E2B_API_KEY', 'E2B_API_KEY'], secret: true },
  { name: 'RAILWAY_API_TOKEN', provider: 'railway', label: 'Railway API token', env: ['CRABBOX_RAILWAY_API_TOKEN', 'RAILWAY_API_TOKEN'], secret: true },
  { name: 'RAILWAY_PROJECT_ID', provider: 'railway', label: 'Railway project ID', env: ['CRABBOX_RAILWAY_PROJECT_ID', 'RAILWAY_PROJECT_ID'], secret: false },
  {
    name: 'RAILWAY_ENVIRONMENT_ID',
    provider: 'railway',
    label: 'Railway environment ID',
    env: ['CRABBOX_RAILWAY_ENVIRONMENT_ID', 'RAILWAY_ENVIRONMENT_ID'],
    secret: false,
  },
];

export const CREDENTIAL_NAMES = CREDENTIALS.map((c) => c.name) as [CredentialName, ...CredentialName[]];

export function credentialSpec(name: string): CredentialSpec | undefined {
  return CREDENTIALS.find((c) => c.name === name);
}

export type StoredSecret = { state: 'absent' } | { state: 'ok'; value: string } | { state: 'unreadable'; reason: string };

/** Where the app keeps entered values (encrypted at rest; see credentials-store.ts). */
export interface SecretStore {
  read(name: CredentialName): StoredSecret;
  write(name: CredentialName, value: string): void;
  remove(name: CredentialName): void;
}

export type CredentialSource = 'environment' | 'app' | 'unset' | 'unreadable';

/** What the UI may know about one credential: never its value. */
export interface CredentialStatus {
  name: CredentialName;
  provider: CredentialSpec['provider'];
  label: string;
  secret: boolean;
  source: CredentialSource;
  /** The variable that supplied it (source `environment`), or the ones that would. */
  envVars: readonly string[];
  envVar?: string;
  /** A value saved in the app exists but an environment variable takes precedence. */
  shadowed: boolean;
  /** Why a saved value cannot be used (source `unreadable`). */
  detail?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The first non-blank of `names` in `env`, trimmed, with the variable it came from. */
export function envValue(env: Env, names: readonly string[]): { value: string; name: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, name };
  }
  return undefined;
}

export const MAX_CREDENTIAL_LENGTH = 4096;

/** Why a value typed into the app cannot be saved, or undefined when it can. */
export function credentialValueProblem(name: string, value: string): string | undefined {
  const spec = credentialSpec(name);
  if (!spec) return `unknown credential ${JSON.stringify(name)}; expected one of ${CREDENTIAL_NAMES.join(', ')}`;
  const trimmed = value.trim();
  if (trimmed === '') return `${spec.label} must not be empty (use "clear" to remove it)`;
  if (trimmed.length > MAX_CREDENTIAL_LENGTH) return `${spec.label} is longer than ${MAX_CREDENTIAL_LENGTH} characters`;
  if ([...trimmed].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return `${spec.label} must be a single line without control characters`;
  return undefined;
}

export class Credentials {
  constructor(
    private readonly env: Env,
    private readonly store?: SecretStore,
  ) {}

  /** The value adapters use: environment first, then the app's saved value. */
  get(name: CredentialName): string | undefined {
    const spec = credentialSpec(name);
    if (!spec) return undefined;
    const fromEnv = envValue(this.env, spec.env);
    if (fromEnv) return fromEnv.value;
    const stored = this.store?.read(name);
    return stored?.state === 'ok' ? stored.value.trim() || undefined : undefined;
  }

  /** Every secret value currently configured, for redaction. */
  secretValues(): string[] {
    return CREDENTIALS.filter((c) => c.secret)
      .map((c) => this.get(c.name))
      .filter((v): v is string => v !== undefined);
  }

  list(): CredentialStatus[] {
    return CREDENTIALS.map((spec) => {
      const base = { name: spec.name, provider: spec.provider, label: spec.label, secret: spec.secret, envVars: spec.env };
      const stored: StoredSecret = this.store?.read(spec.name) ?? { state: 'absent' };
      const fromEnv = envValue(this.env, spec.env);
      if (fromEnv) return { ...base, source: 'environment', envVar: fromEnv.name, shadowed: stored.state !== 'absent' };
      if (stored.state === 'ok') return { ...base, source: 'app', shadowed: false };
      if (stored.state === 'unreadable') return { ...base, source: 'unreadable', shadowed: false, detail: stored.reason };
      return { ...base, source: 'unset', shadowed: false };
    });
  }
}
