/** Words for the domain's codes, in the current language. */
import type { Availability, ResourceKind } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';

export function kindLabel(kind: ResourceKind): string {
	switch (kind) {
		case 'room':
			return m.kind_room();
		case 'equipment':
			return m.kind_equipment();
		case 'vehicle':
			return m.kind_vehicle();
		case 'food':
			return m.kind_food();
		case 'fund':
			return m.kind_fund();
		case 'skill':
			return m.kind_skill();
		case 'other':
			return m.kind_other();
	}
}

export function availabilityLabel(availability: Availability): string {
	switch (availability) {
		case 'available':
			return m.availability_available();
		case 'in_use':
			return m.availability_in_use();
		case 'out_of_order':
			return m.availability_out_of_order();
		case 'gone':
			return m.availability_gone();
	}
}
