/**
 * The space itself: its name, members and settings, and the view of the
 * members page.
 */
export * from './space';
export * from './views';
export * from './without-device';
// The sample collective (sample.ts) is imported from its file, when asked for: it reaches into every part of the domain.
export * from './access';
