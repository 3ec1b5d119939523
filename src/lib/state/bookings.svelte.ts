/** The bookings page's view, kept until something it read changes. */
import { bookingsView, type BookingsFilter } from '../domain/bookings';
import type { SpaceView } from './space.svelte';

export function bookingsPage(view: SpaceView, filter: BookingsFilter) {
	return view.derive(bookingsView, filter);
}
