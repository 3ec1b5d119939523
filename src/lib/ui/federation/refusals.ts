/** Why a publishing write was refused, in the person's language, and the names of the fields that may be published. */
import type { PublishResult, NeedPublicField, ResourcePublicField } from '$lib/domain/federation';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

export const FIELD_LABELS: Record<ResourcePublicField | NeedPublicField, () => string> = {
	name: m.federation_field_name,
	kind: m.federation_field_kind,
	description: m.federation_field_description,
	quantity: m.federation_field_quantity,
	area: m.federation_field_area,
	availability: m.federation_field_availability,
	title: m.federation_field_title,
	target: m.federation_field_target,
	deadline: m.federation_field_deadline
};

/** The fields of the profile and publishing forms, by the key the domain names when it refuses one. */
const FORM_FIELDS: FieldLabels = {
	name: m.federation_profile_name,
	description: m.federation_profile_description,
	area: m.federation_field_area,
	contact: m.federation_profile_contact,
	fields: m.federation_publish_fields
};

export const publishRefusals: RefusalMessages<Failure<PublishResult>> = {
	invalid_field: (refusal) => invalidFieldText(refusal, FORM_FIELDS),
	resource_not_found: () => m.federation_resource_gone(),
	need_not_found: () => m.federation_need_gone()
};
