// Seeded pseudo-random numbers: calibration sampling and test fixtures must be reproducible.
// One generator for the whole app (mulberry32 + Box–Muller), kept in the model room.
export { seededRandom, seededNormal } from '../model/index.js';
