/**
 * Federations: a collective's identity and signed records, the federation
 * space's directory and copies, what a collective publishes, and the bridge
 * that carries it across.
 */
export * from './canonical';
export * from './identity';
export * from './schema';
export * from './space';
export * from './publish';
export * from './memberships';
export * from './bridge';
export * from './exchange';
export * from './outbox';
export * from './requests';
export * from './pledges-out';
export * from './pledges';
export * from './deliveries';
export * from './alerts';
export * from './admission';
export * from './signatures';
export * from './verify';
export * from './views';
