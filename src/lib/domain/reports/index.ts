/**
 * Views across aggregates: conflicts, the transparency report and the
 * history, and what their pages show.
 */
export * from './conflicts';
export * from './edit-conflicts';
export * from './transparency';
export * from './views';
export * from './attention';
export * from './assembly';
export * from './reminders';
