/**
 * The inventory: resources a collective holds, lends and shares.
 */
export * from './resources';
