import * as Tabs from '@radix-ui/react-tabs';
import { useQuery } from '@tanstack/react-query';
import { CONNECTION_WORDS, pondConnection, pondSummary } from '../../../contract/index';
import { call } from '../../api/client';
import { Badge } from '../../ui/Badge';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import { CONNECTION_TONES } from '../../ui/tones';
import { pondOf } from '../mesh/mesh-panel';
import { useMeshAction, useMeshStatus } from '../mesh/use-mesh';
import type { Nav } from '../nav';
import { pondPanels } from '../pond-panels';
import { RestoreSwitch } from '../ports/RestoreSwitch';

/** Copy exports in the header: the pond's lines for sh, whatever shell the Exports tab shows. */
function CopyExports({ pond }: { pond: string }) {
  const exports = useQuery({ queryKey: ['exports:get', pond, 'sh'], queryFn: () => call('exports:get', { pond, format: 'sh' }) });
  const text = exports.data && exports.data.lines.length > 0 ? exports.data.text : undefined;
  if (text === undefined) {
    return (
      <button type="button" className="small" disabled title="No forward is up, so there is nothing to export yet" data-testid="pond-copy-exports">
        Copy exports
      </button>
    );
  }
  return <CopyButton text={text} label="Copy exports" what={`export lines of ${pond}`} testId="pond-copy-exports" />;
}

/**
 * A pond's page: a header that stays put (name, state, Connect or Disconnect, Copy exports)
 * and a tab per area. Tabs come from pond-panels.ts.
 */
export function PondPage({ pond, tab, navigate }: { pond: string; tab: string | undefined; navigate: (nav: Nav) => void }) {
  const status = useMeshStatus();
  const action = useMeshAction();
  const mesh = pondOf(status.data, pond);
  const summary = pondConnection(mesh);
  const held = summary.connection !== 'not-connected';
  const current = pondPanels.some((p) => p.id === tab) ? (tab as string) : (pondPanels[0]?.id ?? '');
  return (
    <Tabs.Root className="pond-page" value={current} onValueChange={(next) => navigate({ view: 'ponds', pond, tab: next })} data-testid="pond-page">
      <header className="pond-header">
        <div className="pond-title-row">
          <button type="button" className="small back" onClick={() => navigate({ view: 'ponds' })} data-testid="pond-back">
            <span aria-hidden="true">‹ </span>All ponds
          </button>
          <h1 id="pond-title" className="pond-title">
            {pond}
          </h1>
          <Badge tone={CONNECTION_TONES[summary.connection]} testId="pond-state">
            {CONNECTION_WORDS[summary.connection]}
          </Badge>
          {held && (
            <span className="muted nowrap small-print" data-testid="pond-summary">
              {pondSummary(mesh)}
            </span>
          )}
        </div>
        <div className="row pond-actions">
          {held ? (
            <button type="button" disabled={action.isPending} onClick={() => action.mutate({ verb: 'disconnect', pond })} data-testid="mesh-disconnect">
              Disconnect
            </button>
          ) : (
            <button type="button" className="primary" disabled={action.isPending} onClick={() => action.mutate({ verb: 'connect', pond })} data-testid="mesh-connect">
              Connect
            </button>
          )}
          <CopyExports pond={pond} />
          <RestoreSwitch pond={pond} />
        </div>
        <Tabs.List className="tabs" aria-label={`Sections of pond ${pond}`}>
          {pondPanels.map((panel) => (
            <Tabs.Trigger key={panel.id} value={panel.id} className="tab" data-testid={`pond-tab-${panel.id}`}>
              {panel.title}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
      </header>
      {action.error && <ErrorBox error={action.error} title={held ? 'Disconnect' : 'Connect'} />}
      {pondPanels.map((panel) => (
        <Tabs.Content key={panel.id} value={panel.id} className="tab-panel">
          <panel.Component pond={pond} navigate={navigate} />
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}
