import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ExportFormatShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import type { PondPanelProps } from '../nav';
import { FORMAT_OPTIONS, loadHint, sourceNote } from './exports-panel';

/** Keeps every pond's export lines current wherever they are shown (the Exports tab, the header's Copy exports); mounted once. */
export function useExportsSync(): void {
  const queryClient = useQueryClient();
  useEvent(
    'exports:changed',
    useCallback((event: { pond: string }) => void queryClient.invalidateQueries({ queryKey: ['exports:get', event.pond] }), [queryClient]),
  );
}

/** A pond's CRABBOX_POND_* exports as one code block: pick a shell, copy all of it or one line. */
export function ExportsPanel({ pond }: PondPanelProps) {
  const [format, setFormat] = useState<ExportFormatShape>('sh');
  const exports = useQuery({ queryKey: ['exports:get', pond, format], queryFn: () => call('exports:get', { pond, format }) });
  const view = exports.data;

  return (
    <section className="stack" data-testid="exports-panel" aria-label={`Export lines of pond ${pond}`}>
      <div className="row">
        <label className="inline-field">
          Shell
          <select value={format} onChange={(event) => setFormat(event.target.value as ExportFormatShape)} data-testid="exports-format">
            {FORMAT_OPTIONS.map((option) => (
              <option key={option.format} value={option.format}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {view && view.lines.length > 0 && <CopyButton text={view.text} label="Copy all" what="export lines" testId="exports-copy-all" />}
      </div>
      {exports.error && <ErrorBox error={exports.error} title="Export lines" />}
      {view?.problem && (
        <div className="error-box" role="alert" data-testid="exports-problem">
          {view.problem}
        </div>
      )}
      {view && view.lines.length > 0 && (
        <div className="code-block" role="list" aria-label="Export lines" data-testid="exports-lines">
          {view.lines.map((line) => (
            <div key={line.name} className="code-line" role="listitem" data-testid="exports-line">
              <code className="code-text" data-testid="exports-line-text">
                {line.line}
              </code>
              <CopyButton text={line.line} what={`the line for ${line.name}`} />
            </div>
          ))}
        </div>
      )}
      {view && (
        <p className="muted" data-testid="exports-source">
          {sourceNote(view)}
        </p>
      )}
      {view && view.source !== 'none' && (
        <p className="muted">
          In a terminal: <code>{loadHint(format, pond)}</code>
        </p>
      )}
    </section>
  );
}
