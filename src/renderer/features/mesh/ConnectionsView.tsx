import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { MeshMemberShape, MeshStatusShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';
import type { ViewProps } from '../nav';
import { pondSummary } from '../../../contract/index';
import { mergeHealth } from './mesh-panel';

/** Every pond this app has connected, with one button to disconnect them all. */
export function ConnectionsView({ navigate }: ViewProps) {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['mesh:status'], queryFn: () => call('mesh:status', {}), refetchInterval: 2_000 });
  useEvent(
    'mesh:health',
    useCallback(
      (health: MeshMemberShape) =>
        queryClient.setQueryData<MeshStatusShape>(['mesh:status'], (old) => {
          const ponds = old?.ponds ?? [];
          const current = ponds.find((p) => p.pond === health.pond);
          const merged = mergeHealth(current, health);
          return { ponds: [...ponds.filter((p) => p.pond !== health.pond), merged].sort((a, b) => (a.pond < b.pond ? -1 : 1)) };
        }),
      [queryClient],
    ),
  );
  const disconnectAll = useMutation({ mutationFn: () => call('mesh:disconnectAll'), onSuccess: (result) => queryClient.setQueryData(['mesh:status'], result) });
  const ponds = status.data?.ponds ?? [];
  return (
    <section className="panel stack" data-testid="mesh-connections" aria-labelledby="mesh-connections-title">
      <h2 id="mesh-connections-title">Connections</h2>
      {status.error && <ErrorBox error={status.error} />}
      {disconnectAll.error && <ErrorBox error={disconnectAll.error} />}
      {ponds.length === 0 ? (
        <p className="muted" data-testid="mesh-connections-empty">
          No pond is connected. Open a pond and choose Connect to forward its exposed ports to 127.0.0.1.
        </p>
      ) : (
        <>
          <ul className="stack">
            {ponds.map((p) => (
              <li key={p.pond} className="row" data-testid={`mesh-connection-${p.pond}`}>
                <button type="button" className="small" onClick={() => navigate({ view: 'ponds', pond: p.pond })}>
                  {p.pond}
                </button>
                <span>{pondSummary(p)}</span>
              </li>
            ))}
          </ul>
          <div className="row">
            <button type="button" className="danger" disabled={disconnectAll.isPending} onClick={() => disconnectAll.mutate()} data-testid="mesh-disconnect-all">
              Disconnect all
            </button>
          </div>
        </>
      )}
    </section>
  );
}
