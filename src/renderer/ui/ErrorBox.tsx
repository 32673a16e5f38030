import { ApiError } from '../api/client';

/** An error as the user sees it: what happened, with the engine's code for support. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="error-box" role="alert">
      {title && <strong>{title}: </strong>}
      {message}
      {code && <span className="code"> ({code})</span>}
    </div>
  );
}
