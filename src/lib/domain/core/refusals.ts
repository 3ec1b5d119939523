/**
 * How a write says no. Every outcome a person can meet and act on (a closed
 * need, a cap reached, a field left empty) comes back as a value the caller
 * must look at; an exception means a bug. Each feature maps its refusals to
 * translated sentences in one place, so no page ever shows a raw code or a
 * library's English.
 */
import * as v from 'valibot';

/** A write refused for `reason`, with whatever the sentence explaining it needs. */
export type Refusal<Reason extends string, Extra extends object = object> = { ok: false; reason: Reason } & Extra;

/** What was wrong with a field, in terms a sentence can say. */
export type FieldProblem =
	| 'required'
	| 'too_long'
	| 'too_short'
	| 'too_small'
	| 'too_large'
	| 'not_a_number'
	| 'not_a_date'
	| 'not_a_choice'
	| 'malformed';

export const FIELD_PROBLEMS: readonly FieldProblem[] = [
	'required',
	'too_long',
	'too_short',
	'too_small',
	'too_large',
	'not_a_number',
	'not_a_date',
	'not_a_choice',
	'malformed'
];

/**
 * A field the schema refused. `field` is the dotted path of the input key
 * ("title", "condition.threshold"); `limit` is the bound that was crossed,
 * when there is one (a maximum length, a minimum value).
 */
export type InvalidField = Refusal<'invalid_field', { field: string; problem: FieldProblem; limit: number | null }>;

export type Checked<T> = { ok: true; value: T } | InvalidField;

/** Validates a write's input against its schema; the first problem found is the refusal. */
export function checkInput<S extends v.GenericSchema>(schema: S, input: unknown): Checked<v.InferOutput<S>> {
	const parsed = v.safeParse(schema, input);
	if (parsed.success) return { ok: true, value: parsed.output };
	const issue = parsed.issues[0];
	return {
		ok: false,
		reason: 'invalid_field',
		field: (issue && v.getDotPath(issue)) || 'input',
		...describeIssue(issue)
	};
}

function describeIssue(issue: v.BaseIssue<unknown> | undefined): { problem: FieldProblem; limit: number | null } {
	if (!issue) return { problem: 'malformed', limit: null };
	const bound = typeof issue.requirement === 'number' ? issue.requirement : null;
	if (issue.input === undefined || issue.input === null) {
		if (issue.kind === 'schema') return { problem: 'required', limit: null };
	}
	switch (issue.type) {
		case 'min_length':
			return bound === 1 ? { problem: 'required', limit: null } : { problem: 'too_short', limit: bound };
		case 'max_length':
			return { problem: 'too_long', limit: bound };
		case 'min_value':
		case 'gt_value':
			return { problem: 'too_small', limit: bound };
		case 'max_value':
		case 'lt_value':
			return { problem: 'too_large', limit: bound };
		case 'number':
		case 'integer':
		case 'finite':
		case 'safe_integer':
			return { problem: 'not_a_number', limit: null };
		case 'iso_date':
			return { problem: 'not_a_date', limit: null };
		case 'picklist':
			return { problem: 'not_a_choice', limit: null };
		default:
			return { problem: 'malformed', limit: null };
	}
}
