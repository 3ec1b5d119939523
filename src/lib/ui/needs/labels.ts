/** Words for needs' and pledges' codes in the current language. */
import type { Need, NeedKind, NeedStatus, PledgeState } from '$lib/domain/needs';
import * as m from '$lib/paraglide/messages';

export function needKindLabel(kind: NeedKind): string {
	return { money: m.need_kind_money, goods: m.need_kind_goods, time: m.need_kind_time, space: m.need_kind_space, other: m.need_kind_other }[kind]();
}

export function needStatusLabel(status: NeedStatus): string {
	return { open: m.need_status_open, met: m.need_status_met, closed: m.need_status_closed }[status]();
}

export function pledgeStateLabel(state: PledgeState): string {
	return {
		promised: m.pledge_state_promised,
		conditional: m.pledge_state_conditional,
		converted: m.pledge_state_converted,
		lapsed: m.pledge_state_lapsed,
		delivered: m.pledge_state_delivered,
		withdrawn: m.pledge_state_withdrawn
	}[state]();
}

/** The label of a pledge's amount field: an amount in a currency for money, a quantity in the need's unit otherwise. */
export function pledgeAmountLabel(need: Pick<Need, 'kind' | 'unit'>): string {
	return need.kind === 'money' ? m.pledge_money_amount({ currency: need.unit }) : m.pledge_amount({ unit: need.unit });
}
