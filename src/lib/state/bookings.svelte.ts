/** The bookings page's view, kept until something it read changes. */
import { availabilityView, bookingsView, type BookingsFilter } from '../domain/bookings';
import type { ResourceId } from '../domain/core';
import type { SpaceView } from './space.svelte';

export function bookingsPage(view: SpaceView, filter: BookingsFilter) {
	return view.derive(bookingsView, filter);
}

export function availabilityPage(view: SpaceView, resourceId: ResourceId, days: { start: number; end: number }[]) {
	return view.derive(availabilityView, resourceId, days);
}
