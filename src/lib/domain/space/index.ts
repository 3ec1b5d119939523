/**
 * The space itself: its name, members and settings, and the view of the
 * members page.
 */
export * from './space';
export * from './views';
export * from './without-device';
export * from './sample';
export * from './access';
