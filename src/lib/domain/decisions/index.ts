/**
 * Decisions: their schema and reading, processes, tallies, results,
 * closings, the allocations an adopted decision makes, and the views the
 * pages show.
 */
export * from './process';
export * from './schema';
export * from './read';
export * from './decisions';
export * from './tallies';
export * from './allocations';
export * from './closings';
export * from './results';
export * from './views';
export * from './roles';
