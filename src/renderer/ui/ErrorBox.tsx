import { errorText } from './error-text';

/** An error as the user sees it: what happened and, where the engine says it, what to do. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  return (
    <div className="error-box" role="alert">
      {title && <strong>{title}: </strong>}
      {errorText(error)}
    </div>
  );
}
