/** The hand-added host form as plain data: what the inputs hold, what the API takes back. */
import type { HostField, HostInput } from '../../../contract/index';
import type { ManualMember } from './members';

export interface HostFormState {
  pond: string;
  slug: string;
  host: string;
  port: string;
  user: string;
  /** Blank: the SSH agent. */
  identityFile: string;
  /** As typed: "8080, 9090"; blank for none. */
  expose: string;
}

export type FieldErrors = Partial<Record<HostField, string>>;

export function emptyForm(pond = ''): HostFormState {
  return { pond, slug: '', host: '', port: '22', user: '', identityFile: '', expose: '' };
}

export function formFromMember(pond: string, member: ManualMember): HostFormState {
  return {
    pond,
    slug: member.slug,
    host: member.manual.host,
    port: String(member.manual.port),
    user: member.manual.user,
    identityFile: member.manual.identityFile ?? '',
    expose: member.manual.ports.join(','),
  };
}

/** Blank exposed ports mean none; anything else goes through crabbox's `--expose` rules in the engine. */
export function inputFromForm(state: HostFormState): HostInput {
  return {
    pond: state.pond,
    slug: state.slug,
    host: state.host,
    port: state.port,
    user: state.user,
    identityFile: state.identityFile,
    expose: state.expose.trim() === '' ? [] : [state.expose],
  };
}

export function errorsByField(errors: readonly { field: HostField; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const { field, message } of errors) out[field] = out[field] ? `${out[field]}; ${message}` : message;
  return out;
}
