/**
 * The building blocks every aggregate stands on: ids, schema helpers and
 * reads, the activity log, amounts of money and calendar dates.
 */
export * from './ids';
export * from './schema';
export * from './activity';
export * from './money';
export * from './dates';
export * from './refusals';
export * from './order';
export * from './derived';
export * from './revisions';
