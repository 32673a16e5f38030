import { useMutation, useQuery } from '@tanstack/react-query';
import { call } from '../api/client';
import { ErrorBox } from './ErrorBox';

/**
 * "Open in browser" for a link the engine produced. In a browser (the web host) it is a plain
 * link that opens a new tab; in the desktop app the system browser opens it.
 */
export function OpenInBrowser({ url, testId }: { url: string | undefined; testId?: string }) {
  const info = useQuery({ queryKey: ['app:info'], queryFn: () => call('app:info'), staleTime: Infinity });
  const open = useMutation({ mutationFn: (link: string) => call('app:openExternal', { url: link }) });
  if (url !== undefined && info.data?.transport === 'websocket') {
    return (
      <a className="button small" href={url} target="_blank" rel="noreferrer noopener" data-testid={testId}>
        Open in browser
      </a>
    );
  }
  return (
    <>
      <button type="button" className="small" disabled={url === undefined || open.isPending || info.isPending} onClick={() => url && open.mutate(url)} data-testid={testId}>
        Open in browser
      </button>
      {open.data?.opened === false && <span className="muted small-print">No browser could be opened from here; copy the address instead.</span>}
      {open.error && <ErrorBox error={open.error} title="Open in browser" />}
    </>
  );
}
