/** The inventory page's view, kept until something it read changes. */
import type { ResourceFilter } from '../domain/inventory';
import { inventoryView } from '../domain/inventory';
import { keepOnDevice } from './first-screen';
import type { SpaceView } from './space.svelte';

// The inventory is the first screen of a space: shown from the device while the space loads.
keepOnDevice('inventory', inventoryView);

export function inventoryPage(view: SpaceView, filter: ResourceFilter, today: string) {
	return view.derive(inventoryView, filter, today);
}
