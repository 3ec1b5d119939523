/** The counterparty fields of a form, as typed, to and from the domain's value. */
import * as v from 'valibot';
import { entityId } from '$lib/domain/core';
import type { Counterparty } from '$lib/domain/money';
import * as m from '$lib/paraglide/messages';

const isMemberId = entityId<'member'>();

export interface PartyFields {
	party: string;
	memberId: string;
	outsideName: string;
}

export function partyFields(counterparty: Counterparty): PartyFields {
	if (counterparty === null) return { party: 'none', memberId: '', outsideName: '' };
	return counterparty.kind === 'member'
		? { party: 'member', memberId: counterparty.memberId, outsideName: '' }
		: { party: 'outside', memberId: '', outsideName: counterparty.name };
}

/** The counterparty, or a message saying what is missing. */
export function readParty(fields: PartyFields): { ok: true; value: Counterparty } | { ok: false; error: string } {
	if (fields.party === 'member') {
		const memberId = fields.memberId;
		if (!v.is(isMemberId, memberId)) return { ok: false, error: m.money_error_member() };
		return { ok: true, value: { kind: 'member', memberId } };
	}
	if (fields.party === 'outside') {
		const name = fields.outsideName.trim();
		if (!name) return { ok: false, error: m.money_error_party_name() };
		return { ok: true, value: { kind: 'outside', name } };
	}
	return { ok: true, value: null };
}
