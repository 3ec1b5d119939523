/**
 * Bookings of resources, the overlaps that replicas can merge into, and the
 * view the bookings page shows.
 */
export * from './bookings';
export * from './returns';
export * from './conflicts';
export * from './views';
