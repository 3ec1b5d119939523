/**
 * The three processes a decision can follow, and the answers each accepts:
 * consent (agree, abstain, disagree, block), vote (yes, no, abstain) and
 * poll (options fixed at creation, one or several per member).
 */
import * as v from 'valibot';
import type { Refusal } from '../core/refusals';
import { text } from '../core/schema';

export const CONSENT_CHOICES = ['agree', 'abstain', 'disagree', 'block'] as const;
export const VOTE_CHOICES = ['yes', 'no', 'abstain'] as const;
/** Consent choices that must say why. */
export const REASONED_CHOICES: readonly string[] = ['disagree', 'block'];
export const MAJORITIES = ['simple', 'two_thirds'] as const;
export type Majority = (typeof MAJORITIES)[number];

export const MAX_POLL_OPTIONS = 20;
const optionId = v.pipe(v.string(), v.regex(/^o[0-9]{1,2}$/));

export const ProcessSchema = v.variant('kind', [
	v.object({ kind: v.literal('consent') }),
	v.object({ kind: v.literal('vote'), majority: v.picklist(MAJORITIES) }),
	v.object({
		kind: v.literal('poll'),
		options: v.pipe(
			v.array(v.object({ id: optionId, label: v.pipe(text(200), v.minLength(1)) })),
			v.minLength(2),
			v.maxLength(MAX_POLL_OPTIONS)
		),
		multiple: v.boolean()
	})
]);
export type Process = v.InferOutput<typeof ProcessSchema>;
export type PollOption = Extract<Process, { kind: 'poll' }>['options'][number];

/** The choices a process offers: fixed words, or the poll's option ids. */
export function choicesOf(process: Process): readonly string[] {
	if (process.kind === 'consent') return CONSENT_CHOICES;
	if (process.kind === 'vote') return VOTE_CHOICES;
	return process.options.map((o) => o.id);
}

/** Whether a set of choices is a valid answer under the process. */
export function validChoices(process: Process, choices: readonly string[]): boolean {
	const allowed = choicesOf(process);
	if (choices.length === 0 || new Set(choices).size !== choices.length) return false;
	if (choices.length > 1 && !(process.kind === 'poll' && process.multiple)) return false;
	return choices.every((c) => allowed.includes(c));
}

/** Why an answer does not fit the process: a choice it does not offer (or several where one is expected), or a disagreement or block without its reason. */
export type AnswerRefusal = Refusal<'not_a_choice'> | Refusal<'reason_required', { choice: string }>;

/** The answer's choices as a list, or why the process does not accept it. */
export function checkAnswer(
	process: Process,
	choice: string | readonly string[],
	reason: string
): { ok: true; choices: string[] } | AnswerRefusal {
	const choices = typeof choice === 'string' ? [choice] : [...choice];
	if (!validChoices(process, choices)) return { ok: false, reason: 'not_a_choice' };
	const first = choices[0] ?? '';
	if (process.kind === 'consent' && REASONED_CHOICES.includes(first) && reason === '') {
		return { ok: false, reason: 'reason_required', choice: first };
	}
	return { ok: true, choices };
}
