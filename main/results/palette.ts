// Series colours, one palette for the dashboard's charts and the CLI's SVG/PNG figures, so a configuration has the
// same colour in both.

/** Okabe & Ito (2008), colour-blind safe, yellow last (faint on white); black is kept for the base model. */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442', '#000000'] as const;
export const BASE_COLOUR = '#000000';
/** Colours a compressed configuration can take before they repeat (black is the base's). */
export const SERIES_COLOURS = 7;

/** The colour of a configuration: the base's black, else series `index` among the compressed ones (cycling through seven). */
export const colourFor = (config: string, index: number, base = 'base'): string => (config === base ? BASE_COLOUR : OKABE_ITO[((index % SERIES_COLOURS) + SERIES_COLOURS) % SERIES_COLOURS]);

/** How many times the colours have cycled by series `index` (0 = first round): charts add a pattern from the second. */
export const colourRound = (index: number): number => Math.floor(Math.max(0, index) / SERIES_COLOURS);

/** Series index among the non-base configurations (base keeps black), so colours match across charts. */
export function seriesIndex(configs: readonly string[], base = 'base'): Map<string, number> {
  return new Map(configs.filter((c) => c !== base).map((c, i) => [c, i]));
}
