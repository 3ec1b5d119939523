/** Words for needs' and pledges' codes in the current language. */
import type { NeedKind, NeedStatus, PledgeState } from '$lib/domain/needs';
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
