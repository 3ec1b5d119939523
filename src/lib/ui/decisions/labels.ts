/** Words for decisions' codes in the current language. */
import type { DecisionNames, OutcomeSuggestion, Process, Effect, Outcome } from '$lib/domain/decisions';
import type { BudgetLineId, FundId, MemberId, NeedId, ResourceId } from '$lib/domain/core';
import type { AllocationProblem } from './decision-draft';
import { formatMoney } from '$lib/domain/core';
import { getLocale } from '$lib/paraglide/runtime';
import * as m from '$lib/paraglide/messages';
import { formatDateTime } from '../format';
import { elision } from '../elision';
import { roleLabel } from '../space/roles';

export function outcomeLabel(outcome: Outcome): string {
	return { adopted: m.decision_outcome_adopted, rejected: m.decision_outcome_rejected, withdrawn: m.decision_outcome_withdrawn }[outcome]();
}

/** The process in a few words: "Vote, majorité des deux tiers". */
export function processLabel(process: Process): string {
	if (process.kind === 'consent') return m.decision_process_consent();
	if (process.kind === 'vote') {
		return process.majority === 'simple' ? m.decision_process_vote_simple() : m.decision_process_vote_two_thirds();
	}
	return process.multiple ? m.decision_process_poll_multiple() : m.decision_process_poll();
}

/** A consent or vote word, or a poll option's label. */
export function choiceLabel(process: Process, choice: string): string {
	if (process.kind === 'poll') return process.options.find((o) => o.id === choice)?.label ?? choice;
	const words: Record<string, () => string> = {
		agree: m.decision_choice_agree,
		abstain: m.decision_choice_abstain,
		disagree: m.decision_choice_disagree,
		block: m.decision_choice_block,
		yes: m.decision_choice_yes,
		no: m.decision_choice_no
	};
	return words[choice]?.() ?? choice;
}

export function choicesLabel(process: Process, choices: readonly string[]): string {
	return choices.map((c) => choiceLabel(process, c)).join(', ');
}

/** What the numbers suggest, as a sentence. */
export function suggestionText(outcome: OutcomeSuggestion, process: Process): string {
	switch (outcome.kind) {
		case 'blocked':
			return m.decision_suggest_blocked({ count: outcome.blocks });
		case 'no_participants':
			return m.decision_suggest_no_participants();
		case 'no_quorum':
			return m.decision_suggest_no_quorum({ participants: outcome.participants, required: outcome.required });
		case 'consent':
			return outcome.disagreements > 0
				? m.decision_suggest_consent_concerns({ count: outcome.disagreements })
				: m.decision_suggest_consent();
		case 'adopt':
			return m.decision_suggest_adopt({ yes: outcome.yes, no: outcome.no });
		case 'reject':
			return outcome.tie
				? m.decision_suggest_tie({ yes: outcome.yes, no: outcome.no })
				: m.decision_suggest_reject({ yes: outcome.yes, no: outcome.no });
		case 'leading': {
			const labels = outcome.optionIds.map((id) => choiceLabel(process, id)).join(', ');
			return outcome.tie
				? m.decision_suggest_poll_tie({ options: labels, count: outcome.count })
				: m.decision_suggest_poll_leading({ option: labels, count: outcome.count });
		}
	}
}

/** Names of the things an allocation points at, as this device knows them. */
export interface Names {
	member(id: MemberId | null): string;
	fund(id: FundId): string;
	need(id: NeedId): string;
	resource(id: ResourceId): string;
	line(fundId: FundId, lineId: BudgetLineId): string;
}

/** The view's names, with a word for what this device does not know. */
export function shownNames(names: DecisionNames): Names {
	const unknown = () => m.decision_unknown_here();
	return {
		member: (id) => (id ? names.member(id) : null) ?? m.someone(),
		fund: (id) => names.fund(id) ?? unknown(),
		need: (id) => names.need(id) ?? unknown(),
		resource: (id) => names.resource(id) ?? unknown(),
		line: (fundId, lineId) => names.line(fundId, lineId) ?? unknown()
	};
}

/** One allocation as a sentence: "120,00 € de Caisse vers Loyer de la cantine". */
export function effectText(effect: Effect, names: Names): string {
	if (effect.kind === 'money') {
		const amount = formatMoney(effect.amount, effect.currency, getLocale());
		const fund = names.fund(effect.fundId);
		if (effect.needId) return m.decision_effect_money_need({ amount, fund, need: names.need(effect.needId) });
		if (effect.budgetLineId) return m.decision_effect_money_line({ amount, fund, line: names.line(effect.fundId, effect.budgetLineId) });
		return m.decision_effect_money({ amount, fund });
	}
	if (effect.kind === 'booking') {
		const to = effect.to.kind === 'member' ? names.member(effect.to.memberId) : effect.to.name;
		const resource = names.resource(effect.resourceId);
		return m.decision_effect_booking({
			resource,
			elision: elision(resource),
			start: formatDateTime(effect.start),
			end: formatDateTime(effect.end),
			to
		});
	}
	if (effect.kind === 'role') {
		const words = { member: names.member(effect.memberId), role: roleLabel(effect.role) };
		return effect.change === 'grant' ? m.decision_effect_role_grant(words) : m.decision_effect_role_revoke(words);
	}
	return m.decision_effect_close_need({ need: names.need(effect.needId) });
}

/** Why allocation `number` of a form cannot be read, as a sentence. */
export function allocationProblemText(problem: AllocationProblem, number: number): string {
	return {
		fund: m.decision_error_allocation_fund,
		amount: m.decision_error_allocation_amount,
		resource: m.decision_error_allocation_resource,
		slot: m.decision_error_allocation_slot,
		recipient: m.decision_error_allocation_recipient,
		need: m.decision_error_allocation_need,
		role: m.decision_error_allocation_role
	}[problem]({ number });
}
