import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ExportFormatShape } from '../../../contract/index';
import { call, useEvent } from '../../api/client';
import { CopyButton } from '../../ui/CopyButton';
import { ErrorBox } from '../../ui/ErrorBox';
import type { PondPanelProps } from '../nav';
import { FORMAT_OPTIONS, loadHint, sourceNote } from './exports-panel';

/** A pond's CRABBOX_POND_* exports: pick a shell, copy one line or all of them. */
export function ExportsPanel({ pond }: PondPanelProps) {
  const [format, setFormat] = useState<ExportFormatShape>('sh');
  const queryClient = useQueryClient();
  const exports = useQuery({ queryKey: ['exports:get', pond, format], queryFn: () => call('exports:get', { pond, format }) });
  useEvent(
    'exports:changed',
    useCallback(
      (event: { pond: string }) => {
        if (event.pond === pond) void queryClient.invalidateQueries({ queryKey: ['exports:get', pond] });
      },
      [pond, queryClient],
    ),
  );
  const view = exports.data;

  return (
    <section className="stack" data-testid="exports-panel" aria-label={`Export lines of pond ${pond}`}>
      <div className="row">
        <label>
          Shell
          <select value={format} onChange={(event) => setFormat(event.target.value as ExportFormatShape)} data-testid="exports-format">
            {FORMAT_OPTIONS.map((option) => (
              <option key={option.format} value={option.format}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {view && view.lines.length > 0 && <CopyButton text={view.text} label="Copy all" />}
      </div>
      {exports.error && <ErrorBox error={exports.error} title="Export lines" />}
      {view?.problem && (
        <div className="error-box" role="alert" data-testid="exports-problem">
          {view.problem}
        </div>
      )}
      {view && (
        <>
          <p className="muted" data-testid="exports-source">
            {sourceNote(view)}
          </p>
          {view.lines.length > 0 && (
            <ul className="stack" data-testid="exports-lines">
              {view.lines.map((line) => (
                <li key={line.name} className="row" data-testid="exports-line">
                  <span className="mono">{line.line}</span>
                  <CopyButton text={line.line} label="Copy" />
                </li>
              ))}
            </ul>
          )}
          {view.source !== 'none' && (
            <p className="muted">
              In a terminal: <span className="mono">{loadHint(format, pond)}</span>
            </p>
          )}
        </>
      )}
    </section>
  );
}
