import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { EventPayload, PondCheckShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import type { PondPanelProps } from '../nav';
import { applyCheck, applyPlan, applyReport, badgeClass, breakdownText, canFix, CELL_WORDS, checkRows, grid, newRun, verdict, type RunState } from './doctor-view';
import { FixAclDialog } from './FixAclDialog';
import './doctor.css';

function Matrix({ state }: { state: RunState }) {
  const matrix = state.matrix;
  if (!matrix) return null;
  if (matrix.transports.length === 0) return <p className="muted">This pond has no members.</p>;
  return (
    <div className="stack">
      <p className="muted" data-testid="doctor-breakdown">
        {matrix.memberCount} member{matrix.memberCount === 1 ? '' : 's'}: {breakdownText(matrix)}
      </p>
      <table className="doctor-matrix" data-testid="doctor-matrix">
        <thead>
          <tr>
            <th scope="col">from \ to</th>
            {matrix.transports.map((t) => (
              <th key={t} scope="col">
                {t}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid(matrix).map((row) => (
            <tr key={row.from}>
              <th scope="row">{row.from}</th>
              {row.cells.map((cell) => (
                <td
                  key={cell.to}
                  className={cell.contradiction ? 'contradicted' : undefined}
                  data-testid={`doctor-cell-${cell.from}-${cell.to}`}
                  title={cell.contradiction ?? cell.note}
                >
                  <span className={`badge ${badgeClass(cell.state)}`}>{CELL_WORDS[cell.state]}</span>
                  {cell.note && <div className="muted small-text">{cell.note}</div>}
                  {cell.contradiction && <div className="contradiction">{cell.contradiction}</div>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Policy({ acl, pond, onFixed }: { acl: PondCheckShape | null; pond: string; onFixed: (acl: PondCheckShape | null) => void }) {
  const [fixing, setFixing] = useState(false);
  if (!acl) return <p className="muted">No tailnet policy check applies to this pond.</p>;
  return (
    <div className="stack" data-testid="doctor-acl">
      <p>
        <span className={`badge ${badgeClass(acl.status)}`} data-testid="doctor-acl-status">
          {acl.status}
        </span>{' '}
        {acl.message}
      </p>
      {acl.problem && <p className="muted">{acl.problem}</p>}
      {acl.snippet && acl.status !== 'ok' && (
        <div className="stack">
          <div className="row">
            <span>Rows to add to the policy by hand (tailnet admin console → Access controls):</span>
            <CopyButton text={acl.snippet} label="Copy rows" />
          </div>
          <pre className="mono doctor-snippet" data-testid="doctor-acl-snippet">
            {acl.snippet}
          </pre>
        </div>
      )}
      {canFix(acl) && (
        <div className="row">
          <button type="button" className="primary" onClick={() => setFixing(true)} data-testid="doctor-fix">
            Fix it…
          </button>
          <span className="muted">Shows the exact change to the policy before anything is written.</span>
        </div>
      )}
      {fixing && (
        <FixAclDialog
          pond={pond}
          onClose={() => setFixing(false)}
          onApplied={(next) => {
            onFixed(next);
          }}
        />
      )}
    </div>
  );
}

function LiveChecks({ state }: { state: RunState }) {
  const rows = checkRows(state);
  if (!state.live) return null;
  if (rows.length === 0 && state.report) return <p className="muted">No member has anything to check.</p>;
  return (
    <ul className="stack doctor-checks" data-testid="doctor-checks">
      {rows.map((row) => (
        <li key={row.id} data-testid="doctor-check" data-check={row.id} data-status={row.result?.status ?? 'running'}>
          <div className="row">
            <span className={`badge ${row.result ? badgeClass(row.result.status) : 'pending'}`}>{row.result?.status ?? 'checking'}</span>
            <strong>{row.member}</strong>
            <span className="muted">{row.title}</span>
          </div>
          {row.result && (
            <div className="doctor-check-body">
              <div>{row.result.summary}</div>
              {row.result.detail && <pre className="mono">{row.result.detail}</pre>}
              {row.result.fixes.length > 0 && (
                <ul className="doctor-fixes">
                  {row.result.fixes.map((fix) => (
                    <li key={fix}>{fix}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * A pond's doctor: the reachability matrix, the tailnet policy verdict with its fix, and
 * live checks of every member that fill in as each one finishes.
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
        <button type="button" className="primary" disabled={run.isPending} onClick={() => start(true)} data-testid="doctor-run-live">
          {run.isPending && state?.live ? 'Checking…' : 'Check every member now'}
        </button>
        <button type="button" disabled={run.isPending} onClick={() => start(false)} data-testid="doctor-refresh">
          Refresh
        </button>
        {state && (
          <span className="muted" data-testid="doctor-verdict" aria-live="polite">
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
      {state && <Matrix state={state} />}
      {report && (
        <>
          <h3>Tailnet policy</h3>
          <Policy acl={report.acl} pond={pond} onFixed={(acl) => setState((s) => (s?.report ? { ...s, report: { ...s.report, acl } } : s))} />
        </>
      )}
      {state?.live && <h3>Live checks</h3>}
      {state && <LiveChecks state={state} />}
    </section>
  );
}
