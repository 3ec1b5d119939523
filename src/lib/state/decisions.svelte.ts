/**
 * The decision pages' views, kept until something they read changes. Each
 * is a pure function of the document in the decisions domain; pages only
 * wire what these return to their components.
 */
import * as v from 'valibot';
import { entityId, type MemberId } from '../domain/core';
import { allocationChoices, decisionPageView, decisionsListView, type DecisionFilter } from '../domain/decisions';
import type { SpaceView } from './space.svelte';

export function decisionsList(view: SpaceView, filter: DecisionFilter, today: string) {
	return view.derive(decisionsListView, filter, today);
}

const isDecisionId = entityId<'decision'>();

/** The decision an address names, or null when the address holds no decision id or this device does not have it. */
export function decisionPage(view: SpaceView, decisionId: string, today: string, me: MemberId | null) {
	return v.is(isDecisionId, decisionId) ? view.derive(decisionPageView, decisionId, today, me) : null;
}

/** What a proposal can allocate, read while a form that offers it is open. */
export function allocationPickers(view: SpaceView) {
	return view.derive(allocationChoices);
}
