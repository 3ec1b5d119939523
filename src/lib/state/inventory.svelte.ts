/** The inventory page's view, kept until something it read changes. */
import type { ResourceFilter } from '../domain/inventory';
import { inventoryView } from '../domain/inventory';
import type { SpaceView } from './space.svelte';

export function inventoryPage(view: SpaceView, filter: ResourceFilter, today: string) {
	return view.derive(inventoryView, filter, today);
}
