import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';

const TRANSPORTS = { ipc: 'Electron IPC', websocket: 'loopback WebSocket', local: 'in-process', control: 'the control socket' } as const;

export function About() {
  const info = useQuery({ queryKey: ['app:info'], queryFn: () => call('app:info'), staleTime: Infinity });
  return (
    <section className="view" aria-labelledby="about-title">
      <header className="view-header">
        <h1 id="about-title">About Pond Desktop</h1>
      </header>
      <div className="panel">
        {info.isPending && <p className="muted">Loading…</p>}
        {info.error && <ErrorBox error={info.error} />}
        {info.data && (
          <dl className="facts" data-testid="app-info">
            <dt>Version</dt>
            <dd data-testid="app-version">{info.data.version}</dd>
            <dt>Platform</dt>
            <dd>
              {info.data.platform} ({info.data.arch})
            </dd>
            <dt>Connected via</dt>
            <dd data-testid="app-transport">{TRANSPORTS[info.data.transport]}</dd>
            <dt>Settings file</dt>
            <dd className="path">{info.data.paths.settingsFile}</dd>
            <dt>crabbox claims</dt>
            <dd className="path">{info.data.paths.crabboxClaims || 'unknown'}</dd>
            <dt>Pond files</dt>
            <dd className="path">{info.data.paths.pondState || 'unknown: the home directory is not set'}</dd>
          </dl>
        )}
      </div>
    </section>
  );
}
