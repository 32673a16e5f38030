/**
 * The doctor as the app uses it: a run streams its plan and every live result as events
 * and returns the report; the tailnet policy fix is previewed first and applied only for
 * the exact policy version the user reviewed.
 */
import { randomUUID } from 'node:crypto';
import type { DoctorReportShape, EventPayload, MatrixShape, PeerRow, PondCheckShape } from '../../contract/index';
import type { Claim } from '../claim';
import { PondError } from '../../lib/errors';
import type { HttpClient } from '../../lib/http';
import type { ForwardSpec, SshTarget } from '../mesh/types';
import { parsePondName } from '../../lib/names';
import { BootstrapError, ensurePondACL, previewPondACL, type BootstrapErrorKind } from './acl-bootstrap';
import { doctorPondCheck, type PondCheck } from './acl-check';
import { policyTarget } from './acl-fix';
import { manualSnippet } from './acl-policy';
import type { CheckDeps } from './checks/types';
import type { Contradiction } from './contradictions';
import { runDoctor } from './doctor';
import { renderReport, reportJSON } from './report';
import { buildMatrix, renderMatrix, type ReachabilityMatrix } from './matrix';
import { doctorMembers } from './members';
import { pondTailscaleTag } from './owner-tag';
import { planChecks } from './runner';

export interface PondRows {
  rows: PeerRow[];
  /** Provider lookups that failed (the members are still listed, without their URLs). */
  problems: string[];
}

export interface DoctorServiceDeps {
  env: Readonly<Record<string, string | undefined>>;
  /** The pond's rows, URL members completed by their providers. */
  rows: (pond: string, signal: AbortSignal) => Promise<PondRows>;
  /** Every local claim; null when they cannot be listed. */
  claims: () => Promise<Claim[] | null>;
  /** SSH targets of the pond's members, by lease ID. */
  targets: (pond: string) => Promise<Map<string, SshTarget>>;
  /** Forwards the mesh holds open for the pond right now. */
  forwards: (pond: string) => ForwardSpec[];
  identity: () => Promise<string>;
  /** Fresh per run, so `tailscale status` is read once per run and never reused across runs. */
  checkDeps: () => CheckDeps;
  http?: HttpClient;
  onPlan: (event: EventPayload<'doctor:plan'>) => void;
  onCheck: (event: EventPayload<'doctor:check'>) => void;
}

export function matrixView(matrix: ReachabilityMatrix, contradictions: readonly Contradiction[] = []): MatrixShape {
  const breakdown: Record<string, number> = {};
  for (const [t, n] of Object.entries(matrix.breakdown)) breakdown[t] = n;
  return {
    pond: matrix.pond,
    memberCount: matrix.members.length,
    breakdown,
    transports: matrix.transports,
    cells: matrix.cells.map((cell) => {
      const contradiction = contradictions.find((c) => c.from === cell.from && c.to === cell.to)?.note;
      return contradiction ? { ...cell, contradiction } : { ...cell };
    }),
    members: doctorMembers(matrix.members).map((m) => ({ name: m.name, transport: m.row.transport, provider: m.row.provider })),
    text: renderMatrix(matrix),
  };
}

function checkView(check: PondCheck | null): PondCheckShape | null {
  return check ? { ...check, details: { ...check.details } } : null;
}

const CODES: Record<BootstrapErrorKind, 'INVALID_INPUT' | 'UNAVAILABLE' | 'CONFLICT' | 'CANCELLED'> = {
  'consent-required': 'INVALID_INPUT',
  unavailable: 'UNAVAILABLE',
  conflict: 'CONFLICT',
  policy: 'INVALID_INPUT',
  api: 'UNAVAILABLE',
  cancelled: 'CANCELLED',
};

function asPondError(error: unknown): never {
  if (error instanceof BootstrapError) {
    const paste = error.snippet ? ` Add these rows by hand instead:\n${error.snippet}` : '';
    throw new PondError(CODES[error.kind], `${error.message}${paste}`);
  }
  throw error;
}

export class DoctorService {
  constructor(private readonly deps: DoctorServiceDeps) {}

  async run(input: { pond: string; live?: boolean; runId?: string }, signal: AbortSignal): Promise<DoctorReportShape> {
    const runId = input.runId ?? randomUUID();
    const { pond, live, rows, problems, claims, targets, forwards } = await this.gather(input, signal);
    const members = doctorMembers(rows, targets, forwards);
    const checkDeps = this.deps.checkDeps();
    this.deps.onPlan({
      runId,
      pond,
      matrix: matrixView(buildMatrix(pond, rows)),
      checks: live ? planChecks(pond, members, checkDeps) : [],
    });
    const report = await runDoctor(
      { pond, rows, claims, targets, forwards, live },
      { env: this.deps.env, identity: this.deps.identity, checkDeps, ...(this.deps.http ? { http: this.deps.http } : {}) },
      { signal, onCheck: (result) => this.deps.onCheck({ runId, result }) },
    );
    return {
      runId,
      pond,
      ok: report.ok,
      matrix: matrixView(report.matrix, report.contradictions),
      acl: checkView(report.acl),
      live: report.live,
      problems,
    };
  }

  /**
   * `pond doctor`: crabbox's text and JSON. As in crabbox, missing policy rows are installed
   * only when CRABBOX_POND_ACL_BOOTSTRAP consents; otherwise the change is shown.
   */
  async crabboxReport(input: { pond: string; live?: boolean }, signal: AbortSignal): Promise<{ ok: boolean; text: string; json: string; problems: string[] }> {
    const { pond, live, rows, problems, claims, targets, forwards } = await this.gather(input, signal);
    const report = await runDoctor(
      { pond, rows, claims, targets, forwards, live },
      { env: this.deps.env, identity: this.deps.identity, checkDeps: this.deps.checkDeps(), bootstrapFromEnv: true, ...(this.deps.http ? { http: this.deps.http } : {}) },
      { signal },
    );
    return { ok: report.ok, text: renderReport(report), json: reportJSON(report), problems };
  }

  private async gather(input: { pond: string; live?: boolean }, signal: AbortSignal) {
    const pond = parsePondName(input.pond);
    const live = input.live === true;
    const [{ rows, problems }, claims] = await Promise.all([this.deps.rows(pond, signal), this.deps.claims()]);
    const targets = live ? await this.deps.targets(pond) : new Map<string, SshTarget>();
    const forwards = live ? this.deps.forwards(pond) : [];
    return { pond, live, rows, problems, claims, targets, forwards };
  }

  private async tagFor(input: string): Promise<string> {
    const pond = parsePondName(input);
    return pondTailscaleTag(await this.deps.identity(), pond);
  }

  private target() {
    const target = policyTarget(this.deps.env, this.deps.http);
    if (!target) {
      throw new PondError('UNAVAILABLE', 'TS_API_KEY is not set: start Pond Desktop with TS_API_KEY (a Tailscale API access token) in its environment to read and fix the tailnet policy');
    }
    return target;
  }

  /** The change "Fix it" would make, for the confirmation dialog. */
  async aclPreview(pond: string, signal: AbortSignal) {
    const tag = await this.tagFor(pond);
    try {
      const preview = await previewPondACL(this.target(), tag, signal);
      return { tag, etag: preview.etag, shape: preview.shape, alreadyPresent: preview.alreadyPresent, diff: preview.diff, snippet: manualSnippet(tag, preview.shape) };
    } catch (error) {
      return asPondError(error);
    }
  }

  /** Applies the reviewed change; a policy edited since the preview is not touched. */
  async bootstrapAcl(input: { pond: string; expectedEtag: string }, signal: AbortSignal) {
    const tag = await this.tagFor(input.pond);
    let result;
    try {
      result = await ensurePondACL(this.target(), tag, { consent: true, expectedEtag: input.expectedEtag, signal });
    } catch (error) {
      return asPondError(error);
    }
    const acl = await doctorPondCheck({
      pond: input.pond,
      claims: await this.deps.claims(),
      identity: await this.deps.identity(),
      env: this.deps.env,
      ...(this.deps.http ? { http: this.deps.http } : {}),
      signal,
    });
    return { outcome: result.outcome, tag, diff: result.outcome === 'updated' ? result.diff : '', acl: checkView(acl) };
  }
}
