/**
 * Views across aggregates: open conflicts and the transparency report.
 */
export * from './conflicts';
export * from './transparency';
