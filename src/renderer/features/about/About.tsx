import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client';
import { ErrorBox } from '../../ui/ErrorBox';

export function About() {
  const info = useQuery({ queryKey: ['app:info'], queryFn: () => call('app:info') });
  return (
    <section className="panel" aria-labelledby="about-title">
      <h2 id="about-title">About Pond Desktop</h2>
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
          <dd data-testid="app-transport">{info.data.transport === 'ipc' ? 'Electron IPC' : 'loopback WebSocket'}</dd>
          <dt>Settings file</dt>
          <dd className="mono">{info.data.paths.settingsFile}</dd>
          <dt>crabbox claims</dt>
          <dd className="mono">{info.data.paths.crabboxClaims || 'unavailable'}</dd>
          <dt>Pond files</dt>
          <dd className="mono">{info.data.paths.pondState || 'unavailable ($HOME is not set)'}</dd>
        </dl>
      )}
    </section>
  );
}
