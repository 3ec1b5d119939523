/**
 * The inventory: resources a collective holds, lends and shares, and the
 * view its page shows.
 */
export * from './resources';
export * from './fund-items';
export * from './views';
