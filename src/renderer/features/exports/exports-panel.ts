/** The words of the export panel, kept apart from React so they are tested in plain Node. */
import type { ExportFormatShape, ExportsViewShape } from '../../../contract/index';

export interface FormatOption {
  format: ExportFormatShape;
  label: string;
}

export const FORMAT_OPTIONS: FormatOption[] = [
  { format: 'sh', label: 'bash / zsh / sh' },
  { format: 'fish', label: 'fish' },
  { format: 'powershell', label: 'PowerShell' },
  { format: 'dotenv', label: '.env file' },
  { format: 'json', label: 'JSON' },
];

/** How to load the lines in a terminal, using the `pond` CLI. */
export function loadHint(format: ExportFormatShape, pond: string): string {
  switch (format) {
    case 'sh':
      return `eval "$(pond env ${pond})"`;
    case 'fish':
      return `pond env ${pond} --format fish | source`;
    case 'powershell':
      return `pond env ${pond} --format powershell | Invoke-Expression`;
    case 'dotenv':
      return `pond env ${pond} --format dotenv > .env`;
    case 'json':
      return `pond env ${pond} --format json`;
  }
}

/** Where the lines come from, in a sentence. */
export function sourceNote(view: ExportsViewShape): string {
  const file = view.envPath ? ` They are also in ${view.envPath}, rewritten whenever a forward comes or goes.` : '';
  switch (view.source) {
    case 'mesh':
      return view.lines.length > 0
        ? `Forwards that are up now.${file}`
        : 'The pond is connected but no forward is up right now; lines appear as soon as one is.';
    case 'env-file':
      return `Read from ${view.envPath}, which pond connect or crabbox keeps up in another process; Pond Desktop has not connected this pond itself.`;
    case 'none':
      return 'Not connected: connect the pond to get export lines.';
  }
}
