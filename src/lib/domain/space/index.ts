/**
 * The space itself: its name, members and settings.
 */
export * from './space';
