import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { EventPayload, PondCheckShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import type { Tone } from '../../ui/tones';
import { useCompact } from '../../ui/use-media';
import type { PondPanelProps } from '../nav';
import { TRANSPORT_LABELS } from '../ponds/members';
import { useOpenDialog } from '../window/dialogs';
import {
  applyCheck,
  applyPlan,
  applyReport,
  canFix,
  checkView,
  contradictions,
  memberGrid,
  memberGroups,
  newRun,
  pairWords,
  policyView,
  STATE_WORDS,
  verdict,
  type CellState,
  type MemberCell,
  type RunState,
} from './doctor-view';

const STATE_TONES: Record<CellState, Tone> = { ok: 'ok', warn: 'warn', no: 'neutral' };

function CellBadge({ cell }: { cell: MemberCell }) {
  if (cell.state === 'self') return <span className="muted">—</span>;
  if (cell.live === 'failed') return <Badge tone="bad">failed</Badge>;
  return (
    <Badge tone={STATE_TONES[cell.state]} title={cell.live === 'passed' ? 'checked from this machine' : undefined}>
      {cell.live === 'passed' ? `${STATE_WORDS[cell.state]} ✓` : STATE_WORDS[cell.state]}
    </Badge>
  );
}

/** Reachability member by member, grouped by transport: a grid where there is room, a list per member where there is not. */
function MemberReach({ state }: { state: RunState }) {
  const compact = useCompact();
  const matrix = state.matrix;
  if (!matrix) return null;
  const rows = memberGrid(state);
  const groups = memberGroups(matrix);
  if (rows.length < 2) return <p className="muted">{rows.length === 0 ? 'This pond has no members.' : 'One member: there is nothing to reach.'}</p>;
  if (compact) {
    return (
      <ul className="cards" data-testid="doctor-members">
        {rows.map((row) => (
          <li key={row.member} className="card">
            <div className="card-head">
              <strong>{row.member}</strong>
              <span className="muted">{TRANSPORT_LABELS[row.transport]}</span>
            </div>
            <ul className="reach-list">
              {row.cells
                .filter((c) => c.state !== 'self')
                .map((cell) => (
                  <li key={cell.to} data-testid={`doctor-reach-${row.member}-${cell.to}`}>
                    <span>to {cell.to}</span> <CellBadge cell={cell} />
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div className="table-wrap">
      <table className="reach-grid" data-testid="doctor-members">
        <caption className="visually-hidden">Whether each member (row) can reach each other member (column)</caption>
        <thead>
          <tr>
            <td />
            {groups.map((g) => (
              <th key={g.transport} scope="colgroup" colSpan={g.members.length} className="group">
                {g.label}
              </th>
            ))}
          </tr>
          <tr>
            <th scope="col">from \ to</th>
            {rows.map((r) => (
              <th key={r.member} scope="col">
                {r.member}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.member}>
              <th scope="row">
                {row.member} <span className="muted small-print">{TRANSPORT_LABELS[row.transport]}</span>
              </th>
              {row.cells.map((cell) => (
                <td key={cell.to} data-testid={`doctor-reach-${row.member}-${cell.to}`} className={cell.live === 'failed' ? 'contradicted' : undefined}>
                  <CellBadge cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The transport matrix as the summary: one line per pair of transports, in plain words. */
function TransportSummary({ state }: { state: RunState }) {
  const matrix = state.matrix;
  if (!matrix || matrix.transports.length === 0) return null;
  return (
    <details className="transport-summary" open={matrix.members.length > 6}>
      <summary>
        By transport: {matrix.transports.map((t) => `${TRANSPORT_LABELS[t]} ${matrix.breakdown[t] ?? 0}`).join(' · ')}
      </summary>
      <ul className="pairs" data-testid="doctor-matrix">
        {matrix.cells.map((cell) => (
          <li key={`${cell.from}-${cell.to}`} data-testid={`doctor-cell-${cell.from}-${cell.to}`}>
            <span className="nowrap">
              {TRANSPORT_LABELS[cell.from]} → {TRANSPORT_LABELS[cell.to]}
            </span>{' '}
            <Badge tone={STATE_TONES[cell.state]}>{STATE_WORDS[cell.state]}</Badge> <span className="muted">{pairWords(cell.from, cell.to, cell.state)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Contradictions({ state }: { state: RunState }) {
  const found = contradictions(state);
  if (found.length === 0) return null;
  return (
    <ul className="plain-list stack" data-testid="doctor-contradictions">
      {found.map((c) => (
        <li key={c.member} className="contradiction" data-testid="doctor-contradiction">
          <strong>{c.line}</strong>
          <details>
            <summary>Details</summary>
            <p>{c.result.summary}</p>
            {(c.result.appFixes ?? c.result.fixes).length > 0 && (
              <ul>
                {(c.result.appFixes ?? c.result.fixes).map((fix) => (
                  <li key={fix}>{fix}</li>
                ))}
              </ul>
            )}
          </details>
        </li>
      ))}
    </ul>
  );
}

function Policy({ acl, pond, onFixed }: { acl: PondCheckShape | null; pond: string; onFixed: (acl: PondCheckShape | null) => void }) {
  const openDialog = useOpenDialog();
  if (!acl) return <p className="muted">No tailnet policy check applies to this pond.</p>;
  const view = policyView(acl);
  const statusWord = acl.status === 'ok' ? 'ok' : acl.status === 'failed' ? 'problem' : 'not checked';
  return (
    <div className="stack" data-testid="doctor-acl">
      <p>
        <Badge tone={view.tone} testId="doctor-acl-status">
          {statusWord}
        </Badge>{' '}
        <span data-testid="doctor-acl-text">{view.text}</span>
      </p>
      {canFix(acl) && (
        <div className="row">
          <button type="button" onClick={() => openDialog({ kind: 'fixAcl', pond, onApplied: onFixed })} data-testid="doctor-fix">
            Fix it…
          </button>
        </div>
      )}
      {view.pasteRows && acl.snippet && (
        <details>
          <summary>Rows to add by hand (tailnet admin console → Access controls)</summary>
          <div className="stack">
            <CopyButton text={acl.snippet} label="Copy rows" what="the policy rows" />
            <pre className="code-block pre" tabIndex={0} aria-label="Policy rows" data-testid="doctor-acl-snippet">
              {acl.snippet}
            </pre>
          </div>
        </details>
      )}
    </div>
  );
}

function LiveChecks({ state }: { state: RunState }) {
  if (!state.live) return null;
  if (state.planned.length === 0) return state.report ? <p className="muted">No member has anything to check.</p> : null;
  const members = [...new Set(state.planned.map((p) => p.member))];
  return (
    <ul className="plain-list stack" data-testid="doctor-checks">
      {members.map((member) => (
        <li key={member}>
          <h3 className="member-title">{member}</h3>
          <ul className="plain-list stack">
            {state.planned
              .filter((p) => p.member === member)
              .map((p) => {
                const view = checkView(p, state.results[p.id]);
                return (
                  <li key={p.id} className="check" data-testid="doctor-check" data-check={p.id} data-status={view.result?.status ?? 'running'}>
                    <div className="row">
                      <Badge tone={view.tone}>{view.label}</Badge>
                      <span className="muted">{view.title}</span>
                    </div>
                    {view.result && <p className="check-summary">{view.result.summary}</p>}
                    {view.result && (view.result.detail || view.fixes.length > 0) && (
                      <details>
                        <summary>{view.fixes.length > 0 ? 'What to do' : 'Details'}</summary>
                        {view.fixes.length > 0 && (
                          <ul>
                            {view.fixes.map((fix) => (
                              <li key={fix}>{fix}</li>
                            ))}
                          </ul>
                        )}
                        {view.result.detail && <pre className="code-block pre wrap">{view.result.detail}</pre>}
                      </details>
                    )}
                  </li>
                );
              })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * A pond's doctor: the verdict in one line, reachability member by member with the transport
 * matrix as its summary, the tailnet policy with its fix, and live checks filling in as each finishes.
 */
export function DoctorPanel({ pond }: PondPanelProps) {
  const [state, setState] = useState<RunState | null>(null);
  const run = useMutation({
    mutationFn: ({ runId, live }: { runId: string; live: boolean }) => call('doctor:run', { pond, live, runId }),
    onSuccess: (report) => setState((s) => (s ? applyReport(s, report) : s)),
  });
  const { mutate } = run;
  const start = useCallback(
    (live: boolean) => {
      const runId = crypto.randomUUID();
      setState(newRun(runId, live));
      mutate({ runId, live });
    },
    [mutate],
  );
  useEffect(() => start(false), [pond, start]);
  useEvent(
    'doctor:plan',
    useCallback((event: EventPayload<'doctor:plan'>) => setState((s) => (s ? applyPlan(s, event) : s)), []),
  );
  useEvent(
    'doctor:check',
    useCallback((event: EventPayload<'doctor:check'>) => setState((s) => (s ? applyCheck(s, event) : s)), []),
  );
  const report = state?.report;

  return (
    <section className="stack" data-testid="doctor-panel" aria-label={`Doctor for pond ${pond}`}>
      <div className="row">
        <button type="button" disabled={run.isPending} onClick={() => start(true)} data-testid="doctor-run-live">
          {run.isPending && state?.live ? 'Checking…' : 'Check every member now'}
        </button>
        {state && (
          <span className="verdict" data-testid="doctor-verdict" role="status">
            {verdict(state)}
          </span>
        )}
      </div>
      {run.error && <ErrorBox error={run.error} title="Doctor" />}
      {report?.problems.map((problem) => (
        <div key={problem} className="error-box" role="alert">
          {problem}
        </div>
      ))}
      {state?.matrix && (
        <>
          <h2 className="section-title">Who reaches whom</h2>
          {state.matrix.memberCount > 0 && (
            <p className="muted small-print" data-testid="doctor-breakdown">
              {state.matrix.memberCount === 1 ? '1 member' : `${state.matrix.memberCount} members`}. “With a bridge”: only through a bridge you run yourself; ✓: checked from this
              machine.
            </p>
          )}
          <Contradictions state={state} />
          <MemberReach state={state} />
          <TransportSummary state={state} />
        </>
      )}
      {report && (
        <>
          <h2 className="section-title">Tailnet policy</h2>
          <Policy acl={report.acl} pond={pond} onFixed={(acl) => setState((s) => (s?.report ? { ...s, report: { ...s.report, acl } } : s))} />
        </>
      )}
      {state?.live && (
        <>
          <h2 className="section-title">Checks from this machine</h2>
          <LiveChecks state={state} />
        </>
      )}
    </section>
  );
}
