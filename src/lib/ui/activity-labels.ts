/** Words for the history's actions, in the current language. */
import type { SubjectKind } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';

const ACTIONS: Record<string, () => string> = {
	'booking.cancelled': m.act_booking_cancelled,
	'booking.confirmed': m.act_booking_confirmed,
	'booking.granted': m.act_booking_granted,
	'booking.requested': m.act_booking_requested,
	'booking.restored': m.act_booking_restored,
	'booking.returned': m.act_booking_returned,
	'conflict.acknowledged': m.act_conflict_acknowledged,
	'conflict.resolved': m.act_conflict_resolved,
	'decision.allocation_added': m.act_decision_allocation_added,
	'decision.allocation_withdrawn': m.act_decision_allocation_withdrawn,
	'decision.allocations_applied': m.act_decision_allocations_applied,
	'decision.closed': m.act_decision_closed,
	'decision.closing_resolved': m.act_decision_closing_resolved,
	'decision.commented': m.act_decision_commented,
	'decision.created': m.act_decision_created,
	'decision.edited': m.act_decision_edited,
	'decision.position_taken': m.act_decision_position_taken,
	'decision.tally_recorded': m.act_decision_tally_recorded,
	'decision.tally_voided': m.act_decision_tally_voided,
	'dues.changed': m.act_dues_changed,
	'dues.change_removed': m.act_dues_change_removed,
	'dues.paid': m.act_dues_paid,
	'dues.removed': m.act_dues_removed,
	'dues.set': m.act_dues_set,
	'fund.archived': m.act_fund_archived,
	'fund.unarchived': m.act_fund_unarchived,
	'fund.created': m.act_fund_created,
	'fund.edited': m.act_fund_edited,
	'fund.line_added': m.act_fund_line_added,
	'fund.line_edited': m.act_fund_line_edited,
	'fund.line_removed': m.act_fund_line_removed,
	'ledger.allocated': m.act_ledger_allocated,
	'ledger.created': m.act_ledger_created,
	'ledger.edited': m.act_ledger_edited,
	'ledger.reversed': m.act_ledger_reversed,
	'ledger.transferred': m.act_ledger_transferred,
	'member.joined': m.act_member_joined,
	'member.since_set': m.act_member_since_set,
	'member.added': m.act_member_added,
	'member.claimed': m.act_member_claimed,
	'need.closed': m.act_need_closed,
	'need.created': m.act_need_created,
	'need.met': m.act_need_met,
	'need.reopened': m.act_need_reopened,
	'need.updated': m.act_need_updated,
	'pledge.created': m.act_pledge_created,
	'pledge.delivered': m.act_pledge_delivered,
	'pledge.delivery_undone': m.act_pledge_delivery_undone,
	'pledge.edited': m.act_pledge_edited,
	'pledge.withdrawal_undone': m.act_pledge_withdrawal_undone,
	'pledge.withdrawn': m.act_pledge_withdrawn,
	'resource.created': m.act_resource_created,
	'resource.removed': m.act_resource_removed,
	'resource.restored': m.act_resource_restored,
	'resource.updated': m.act_resource_updated,
	'space.created': m.act_space_created,
	'space.edited': m.act_space_edited,
};

/** An action recorded by a newer version may have no words here yet. */
export function actionLabel(action: string): string {
	return (ACTIONS[action] ?? m.act_other)();
}

export function subjectLabel(kind: SubjectKind): string {
	return {
		space: m.subject_space,
		member: m.subject_member,
		resource: m.subject_resource,
		need: m.subject_need,
		pledge: m.subject_pledge,
		fund: m.subject_fund,
		ledger: m.subject_ledger,
		dues: m.subject_dues,
		booking: m.subject_booking,
		decision: m.subject_decision,
		conflict: m.subject_conflict,
	}[kind]();
}
