/**
 * Module resolve hook for the shell harness: `electron` resolves to the stand-in given by
 * register.ts; everything else resolves as usual.
 */
let standIn = '';

export function initialize(data) {
  standIn = data.standIn;
}

export async function resolve(specifier, context, nextResolve) {
  // Resolved by the next hook too, so tsx (registered before) loads the TypeScript stand-in.
  return nextResolve(specifier === 'electron' ? standIn : specifier, context);
}
