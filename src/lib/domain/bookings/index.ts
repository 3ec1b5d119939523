/**
 * Bookings of resources, and the overlaps that replicas can merge into.
 */
export * from './bookings';
export * from './conflicts';
