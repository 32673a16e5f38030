/** An error as the window says it: the engine's message without the channel it came through. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Refused input comes back as `bridge:publish: port: must be a number`; the channel name is not for people.
  const text = message.replace(/^[a-z]+:[a-zA-Z]+: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
