/**
 * Decisions: their schema and reading, processes, tallies, results,
 * closings and the allocations an adopted decision makes.
 */
export * from './process';
export * from './schema';
export * from './read';
export * from './decisions';
export * from './tallies';
export * from './allocations';
export * from './closings';
export * from './results';
