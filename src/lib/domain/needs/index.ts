/**
 * Needs, the pledges toward them and their derived states, corrections,
 * the money that reached a need, and progress.
 */
export * from './needs';
export * from './pledge';
export * from './pledge-state';
export * from './pledges';
export * from './pledge-corrections';
export * from './need-funding';
export * from './progress';
export * from './views';
export * from './progress-series';
