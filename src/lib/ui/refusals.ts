/**
 * One way for forms to say why a save was refused. Each feature keeps one
 * table from its refusal reasons to translated sentences (`RefusalMessages`);
 * TypeScript makes the table name every reason, and the feature's test feeds
 * each one through French, Italian and English. What is not a refusal is a
 * bug: it is logged, and the form says so in the person's language while
 * keeping what they typed.
 */
import type { FieldProblem, InvalidField } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';

/** For each reason of a refusal union, the sentence that explains it. */
export type RefusalMessages<R extends { reason: string }> = {
	[K in R['reason']]: (refusal: Extract<R, { reason: K }>) => string;
};

export function refusalText<R extends { reason: string }>(refusal: R, messages: RefusalMessages<R>): string {
	const reason: R['reason'] = refusal.reason;
	const say = messages[reason] as (refusal: R) => string;
	return say(refusal);
}

/** A field's name as the form shows it, looked up by the key the schema refused. */
export type FieldLabels = Record<string, () => string>;

const FIELD_SENTENCES: { [P in FieldProblem]: (field: string, limit: number) => string } = {
	required: (field) => m.error_field_required({ field }),
	too_long: (field, limit) => m.error_field_too_long({ field, limit }),
	too_short: (field, limit) => m.error_field_too_short({ field, limit }),
	too_small: (field, limit) => m.error_field_too_small({ field, limit }),
	too_large: (field, limit) => m.error_field_too_large({ field, limit }),
	not_a_number: (field) => m.error_field_not_a_number({ field }),
	not_a_date: (field) => m.error_field_not_a_date({ field }),
	not_a_choice: (field) => m.error_field_not_a_choice({ field }),
	malformed: (field) => m.error_field_malformed({ field })
};

/**
 * "« Titre » est trop long : 200 caractères au plus." A field the labels do
 * not name is a field the form does not show, which only a bug can refuse.
 */
export function invalidFieldText(refusal: InvalidField, labels: FieldLabels): string {
	const label = labels[refusal.field] ?? labels[refusal.field.split('.')[0] ?? ''];
	if (!label) return unexpectedErrorText(new Error(`refused field without a label: ${refusal.field}`));
	return FIELD_SENTENCES[refusal.problem](label(), refusal.limit ?? 0);
}

/** A save that threw: a bug, not a refusal. Logged for whoever debugs, told plainly to the person. */
export function unexpectedErrorText(error: unknown): string {
	console.error('save failed', error);
	return m.error_unexpected();
}

/** The refusals a write's result may hold. */
export type Failure<R> = Extract<R, { ok: false; reason: string }>;

/**
 * Runs a save and says what the form shows: the refusal's sentence, or null
 * when it went through (or nothing was attempted). A throw is a bug: logged,
 * and told plainly while the form keeps what was typed.
 */
export function saveRefusal<R extends { ok: boolean }>(save: () => R | null, messages: RefusalMessages<Failure<R>>): string | null {
	try {
		const result = save();
		return result !== null && isFailure(result) ? refusalText(result, messages) : null;
	} catch (error) {
		return unexpectedErrorText(error);
	}
}

/** The same for forms that keep their error as a string: '' when the save went through. */
export function saveError<R extends { ok: boolean }>(save: () => R | null, messages: RefusalMessages<Failure<R>>): string {
	return saveRefusal(save, messages) ?? '';
}

function isFailure<R extends { ok: boolean }>(result: R): result is Failure<R> & R {
	return !result.ok && 'reason' in result;
}
