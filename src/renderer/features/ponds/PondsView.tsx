import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { CONNECTION_WORDS, pondConnection, pondSummary, type PondsOverviewShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { ErrorBox } from '../../ui/ErrorBox';
import { CONNECTION_TONES } from '../../ui/tones';
import { pondOf } from '../mesh/mesh-panel';
import { useMeshAction, useMeshStatus } from '../mesh/use-mesh';
import type { Nav, ViewProps } from '../nav';
import { useOpenDialog } from '../window/dialogs';
import { PondPage } from './PondPage';

function ProblemsBanner({ problems }: { problems: PondsOverviewShape['problems'] }) {
  if (problems.length === 0) return null;
  return (
    <details className="problems" data-testid="ponds-problems">
      <summary>
        {problems.length === 1 ? '1 file could not be read' : `${problems.length} files could not be read`}; every other member is still listed.
      </summary>
      <ul>
        {problems.map((p) => (
          <li key={`${p.file}:${p.code}`} data-testid="ponds-problem">
            <span className="path">{p.file}</span>
            <div>{p.message}</div>
          </li>
        ))}
      </ul>
    </details>
  );
}

function EmptyState({ overview }: { overview: PondsOverviewShape }) {
  return (
    <div className="empty" data-testid="ponds-empty">
      <p>No ponds yet.</p>
      <p className="muted">
        crabbox members appear here the moment a lease is created with <code className="nowrap">crabbox … --pond NAME</code>
        {overview.claimsDir && (
          <>
            {' '}
            (Pond Desktop reads <span className="path">{overview.claimsDir}</span>
            {overview.claimsDirState === 'absent' ? ', which does not exist yet' : ''})
          </>
        )}
        . You can also add a plain SSH server with Add SSH host.
      </p>
    </div>
  );
}

/** One pond in the list: its state in words and colour, and Connect or Disconnect in one click. */
function PondRow({ name, members, navigate }: { name: string; members: number; navigate: (nav: Nav) => void }) {
  const status = useMeshStatus();
  const action = useMeshAction();
  const mesh = pondOf(status.data, name);
  const { connection } = pondConnection(mesh);
  const held = connection !== 'not-connected';
  return (
    <li className="pond-row" data-testid={`pond-row-${name}`}>
      <button type="button" className="pond-open" onClick={() => navigate({ view: 'ponds', pond: name })} data-testid={`pond-${name}`}>
        <span className="pond-name">{name}</span>
        <span className="muted nowrap">{members === 1 ? '1 member' : `${members} members`}</span>
      </button>
      <span className="pond-state">
        <Badge tone={CONNECTION_TONES[connection]} testId={`pond-${name}-state`}>
          {CONNECTION_WORDS[connection]}
        </Badge>
        {held && <span className="muted nowrap small-print">{pondSummary(mesh)}</span>}
      </span>
      <button
        type="button"
        className="pond-action"
        disabled={action.isPending}
        onClick={() => action.mutate({ verb: held ? 'disconnect' : 'connect', pond: name })}
        aria-label={`${held ? 'Disconnect' : 'Connect'} ${name}`}
        data-testid={`pond-${name}-${held ? 'disconnect' : 'connect'}`}
      >
        {held ? 'Disconnect' : 'Connect'}
      </button>
      {action.error && <ErrorBox error={action.error} title={`${held ? 'Disconnect' : 'Connect'} ${name}`} />}
    </li>
  );
}

/** The start page: every pond with its state, problems with crabbox's files, and Add SSH host. A pond opens its own page. */
export function PondsView({ nav, navigate }: ViewProps) {
  const queryClient = useQueryClient();
  const openDialog = useOpenDialog();
  const overview = useQuery({ queryKey: ['ponds:list'], queryFn: () => call('ponds:list') });
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
  const open = nav.pond !== undefined && data?.ponds.some((p) => p.name === nav.pond) ? nav.pond : undefined;
  if (open !== undefined) return <PondPage key={open} pond={open} tab={nav.tab} navigate={navigate} />;
  const gone = nav.pond !== undefined && data !== undefined ? nav.pond : undefined;

  return (
    <section className="view" aria-labelledby="ponds-title">
      <header className="view-header">
        <h1 id="ponds-title">Ponds</h1>
        <button type="button" onClick={() => openDialog({ kind: 'addHost', pond: '' })} data-testid="host-add-open">
          Add SSH host…
        </button>
      </header>
      {gone && (
        <p className="notice-line" role="status" data-testid="pond-gone">
          Pond {gone} is no longer on this machine: no crabbox claim or hand-added host carries it any more.
        </p>
      )}
      {overview.isPending && <p className="muted">Reading crabbox’s claims…</p>}
      {overview.error && <ErrorBox error={overview.error} />}
      {data && <ProblemsBanner problems={data.problems} />}
      {data && data.ponds.length === 0 && <EmptyState overview={data} />}
      {data && data.ponds.length > 0 && (
        <ul className="pond-rows" data-testid="ponds-list">
          {data.ponds.map((p) => (
            <PondRow key={p.name} name={p.name} members={p.memberCount} navigate={navigate} />
          ))}
        </ul>
      )}
      {data && data.unassigned > 0 && (
        <p className="muted small-print">
          {data.unassigned === 1 ? '1 crabbox lease belongs to no pond and is not shown.' : `${data.unassigned} crabbox leases belong to no pond and are not shown.`}
        </p>
      )}
    </section>
  );
}
