/** Why acknowledging a conflict was refused, in the person's language. */
import type { AcknowledgeResult } from '$lib/domain/reports';
import * as m from '$lib/paraglide/messages';
import { invalidFieldText, type Failure, type FieldLabels, type RefusalMessages } from '../refusals';

export const ACKNOWLEDGE_FIELDS: FieldLabels = { note: m.ack_note };

export const acknowledgeRefusals: RefusalMessages<Failure<AcknowledgeResult>> = {
	invalid_field: (refusal) =>
		refusal.field === 'note' && refusal.problem === 'required' ? m.error_ack_note() : invalidFieldText(refusal, ACKNOWLEDGE_FIELDS),
	already_acknowledged: () => m.conflict_already_acknowledged()
};
