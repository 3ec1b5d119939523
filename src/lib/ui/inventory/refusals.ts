/**
 * Why an inventory write was refused, in the person's language, and the names
 * of the fields the resource form shows.
 */
import type { AddResourceResult, LinkFundResult, MoveToFundResult, ResourceMarkResult, UpdateResourceResult } from '$lib/domain/inventory';
import type { InvalidField } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

/** The fields of the resource form, by the key the domain names when it refuses one. */
export const RESOURCE_FIELDS: FieldLabels = {
	kind: m.kind,
	name: m.name,
	description: m.description,
	quantity: m.quantity,
	unit: m.unit,
	location: m.location,
	expiresOn: m.expires_on,
	availability: m.availability
};

function invalidField(refusal: InvalidField): string {
	// A resource without a name is the refusal people meet most: it gets its own sentence.
	if (refusal.field === 'name' && refusal.problem === 'required') return m.error_resource_name_required();
	return invalidFieldText(refusal, RESOURCE_FIELDS);
}

/** Adding, editing, removing and restoring a resource. */
export const resourceRefusals: RefusalMessages<Failure<AddResourceResult | UpdateResourceResult | ResourceMarkResult>> = {
	invalid_field: invalidField,
	not_found: () => m.inventory_refused_not_found(),
	removed: () => m.inventory_refused_removed(),
	money_is_not_an_item: () => m.inventory_refused_money()
};

/** Moving an item of money to the money section, or linking it to a fund there. */
export const fundItemRefusals: RefusalMessages<Failure<MoveToFundResult | LinkFundResult>> = {
	invalid_field: (refusal) => invalidFieldText(refusal, { currency: m.currency }),
	not_found: () => m.inventory_refused_not_found(),
	removed: () => m.inventory_refused_removed(),
	not_money: () => m.fund_item_refused_not_money(),
	already_linked: () => m.fund_item_refused_linked(),
	fund_not_found: () => m.fund_item_refused_fund()
};
