/**
 * The tray icon of each state, as SVG on a 32-unit grid. The states differ by shape, so they
 * read the same in macOS's one-colour template images as in colour: idle is an outlined
 * drop, ok a filled drop with a ripple, degraded adds a warning triangle and failed a
 * crossed-out disc, each set off from the drop by a transparent gap.
 */

export const TRAY_STATES = ['idle', 'ok', 'degraded', 'failed'];

const DROP = 'M16 2 C12.6 6.6 6 13 6 19.6 A10 10 0 0 0 26 19.6 C26 13 19.4 6.6 16 2 Z';
const RIPPLE = 'M9.8 20.6 q2.05 -2 4.1 0 t4.1 0 t4.1 0';
const TRIANGLE = 'M24.5 16 L31.6 30.4 L17.4 30.4 Z';
const DISC = { cx: 24.5, cy: 24.5, r: 7 };

/** Colours for the Windows and Linux trays; the template images are black with alpha only. */
const COLOURS = { drop: '#2f8cff', idle: '#8c96a3', degraded: '#f5a623', failed: '#e5484d', mark: '#ffffff' };

const filledDrop = (fill) => `<path d="${DROP}" fill="${fill}"/>`;

/** Each state's drop, what is cut out of it, and the badge with its marks (by colour). */
function parts(state) {
  switch (state) {
    case 'idle':
      return { drop: (stroke) => `<path d="${DROP}" fill="none" stroke="${stroke}" stroke-width="2.4" stroke-linejoin="round"/>`, cuts: '' };
    case 'ok':
      return { drop: filledDrop, cuts: `<path d="${RIPPLE}" fill="none" stroke="#000" stroke-width="2.2" stroke-linecap="round"/>` };
    case 'degraded':
      return {
        drop: filledDrop,
        cuts: `<path d="${TRIANGLE}" fill="#000" stroke="#000" stroke-width="5" stroke-linejoin="round"/>`,
        badge: (fill) => `<path d="${TRIANGLE}" fill="${fill}" stroke="${fill}" stroke-width="1" stroke-linejoin="round"/>`,
        marks: (fill) => `<path d="M24.5 21 V25.6" stroke="${fill}" stroke-width="2.2" stroke-linecap="round"/><circle cx="24.5" cy="28.3" r="1.2" fill="${fill}"/>`,
      };
    case 'failed':
      return {
        drop: filledDrop,
        cuts: `<circle cx="${DISC.cx}" cy="${DISC.cy}" r="${DISC.r + 2}" fill="#000"/>`,
        badge: (fill) => `<circle cx="${DISC.cx}" cy="${DISC.cy}" r="${DISC.r}" fill="${fill}"/>`,
        marks: (fill) => `<path d="M21.7 21.7 L27.3 27.3 M27.3 21.7 L21.7 27.3" stroke="${fill}" stroke-width="2.2" stroke-linecap="round"/>`,
      };
    default:
      throw new Error(`unknown tray state "${state}"; expected one of ${TRAY_STATES.join(', ')}`);
  }
}

function mask(id, cuts) {
  return `<mask id="${id}" maskUnits="userSpaceOnUse" x="0" y="0" width="32" height="32"><rect width="32" height="32" fill="#fff"/>${cuts}</mask>`;
}

/**
 * One state's glyph as SVG. In a template image the marks inside a badge are cut out, since
 * macOS keeps only the alpha; in colour they are drawn white on the badge.
 */
export function trayGlyphSvg(state, { colour }) {
  const { drop, cuts, badge, marks } = parts(state);
  const dropColour = !colour ? '#000' : state === 'idle' ? COLOURS.idle : COLOURS.drop;
  const defs = [mask('cut', cuts)];
  let body = `<g mask="url(#cut)">${drop(dropColour)}</g>`;
  if (badge && colour) body += badge(COLOURS[state]) + marks(COLOURS.mark);
  if (badge && !colour) {
    defs.push(mask('marks', marks('#000')));
    body += `<g mask="url(#marks)">${badge('#000')}</g>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32"><defs>${defs.join('')}</defs>${body}</svg>`;
}
