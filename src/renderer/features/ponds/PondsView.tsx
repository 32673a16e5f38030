import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { PondsOverviewShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import type { ViewProps } from '../nav';
import { emptyForm, transportCounts } from './form';
import { HostForm } from './HostForm';
import { PondPage } from './PondPage';
import './ponds.css';

function ProblemsBanner({ problems }: { problems: PondsOverviewShape['problems'] }) {
  if (problems.length === 0) return null;
  return (
    <details className="ponds-problems" data-testid="ponds-problems">
      <summary>
        {problems.length === 1 ? '1 file could not be read' : `${problems.length} files could not be read`}; every other member is still
        listed.
      </summary>
      <ul>
        {problems.map((p) => (
          <li key={`${p.file}:${p.code}`} data-testid="ponds-problem">
            <span className="badge bad">{p.code}</span> <span className="mono">{p.file}</span>
            <div>{p.message}</div>
          </li>
        ))}
      </ul>
    </details>
  );
}

function EmptyState({ overview }: { overview: PondsOverviewShape }) {
  return (
    <p className="muted" data-testid="ponds-empty">
      No ponds yet. crabbox members appear here the moment a lease is created with{' '}
      <span className="mono">crabbox … --pond NAME</span>
      {overview.claimsDir && (
        <>
          {' '}
          (read from <span className="mono">{overview.claimsDir}</span>
          {overview.claimsDirState === 'absent' ? ', which does not exist yet' : ''})
        </>
      )}
      ; you can also add a plain SSH host below.
    </p>
  );
}

/** The start page: every pond, its members, problems with crabbox's files, and hand-added hosts. */
export function PondsView({ nav, navigate }: ViewProps) {
  const queryClient = useQueryClient();
  const overview = useQuery({ queryKey: ['ponds:list'], queryFn: () => call('ponds:list') });
  const [adding, setAdding] = useState(false);
  useEvent(
    'ponds:changed',
    useCallback(
      (payload: PondsOverviewShape) => {
        queryClient.setQueryData(['ponds:list'], payload);
        void queryClient.invalidateQueries({ queryKey: ['ponds:get'] });
      },
      [queryClient],
    ),
  );
  const data = overview.data;
  const selected = nav.pond ?? data?.ponds[0]?.name;

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="ponds-title">
        <div className="row ponds-header">
          <h2 id="ponds-title">Ponds</h2>
          <button type="button" onClick={() => setAdding(true)} disabled={adding} data-testid="host-add-open">
            Add SSH host…
          </button>
        </div>
        {overview.isPending && <p className="muted">Reading crabbox’s claims…</p>}
        {overview.error && <ErrorBox error={overview.error} />}
        {data && <ProblemsBanner problems={data.problems} />}
        {data && data.ponds.length === 0 && <EmptyState overview={data} />}
        {data && data.ponds.length > 0 && (
          <ul className="ponds-list" data-testid="ponds-list">
            {data.ponds.map((p) => (
              <li key={p.name}>
                <button
                  type="button"
                  className={p.name === selected ? 'nav active' : 'nav'}
                  aria-current={p.name === selected ? 'true' : undefined}
                  onClick={() => navigate({ view: 'ponds', pond: p.name })}
                  data-testid={`pond-${p.name}`}
                >
                  <strong>{p.name}</strong> <span className="muted">{p.memberCount === 1 ? '1 member' : `${p.memberCount} members`}</span>{' '}
                  {transportCounts(p.counts).map(({ transport, count }) => (
                    <span key={transport} className={`badge ${transport}`}>
                      {transport} {count}
                    </span>
                  ))}
                </button>
              </li>
            ))}
          </ul>
        )}
        {data && data.unassigned > 0 && (
          <p className="muted small-print">
            {data.unassigned === 1 ? '1 crabbox lease belongs to no pond and is not shown.' : `${data.unassigned} crabbox leases belong to no pond and are not shown.`}
          </p>
        )}
        {adding && (
          <HostForm
            initial={emptyForm(selected ?? '')}
            onCancel={() => setAdding(false)}
            onDone={() => {
              setAdding(false);
              void queryClient.invalidateQueries({ queryKey: ['ponds:list'] });
            }}
          />
        )}
      </section>
      {selected && data?.ponds.some((p) => p.name === selected) && <PondPage key={selected} pond={selected} navigate={navigate} />}
    </div>
  );
}
