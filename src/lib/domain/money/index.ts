/**
 * Money: funds, the ledger and its corrections, transfers between funds,
 * allocations, dues and their changes, balances, the CSV export, and the
 * views the money pages show.
 */
export * from './funds';
export * from './ledger';
export * from './ledger-corrections';
export * from './transfers';
export * from './allocations';
export * from './dues-changes';
export * from './dues';
export * from './defaults';
export * from './balances';
export * from './flows';
export * from './csv';
export * from './views';
export * from './series';
export * from './dues-series';
