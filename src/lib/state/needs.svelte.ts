/**
 * The needs pages' views, kept until something they read changes: the list
 * with its filters, and one need with its pledges.
 */
import * as v from 'valibot';
import { entityId } from '../domain/core';
import { needPageView, needProgressSeries, needsListView, type NeedsListFilter } from '../domain/needs';
import type { SpaceView } from './space.svelte';

export function needsList(view: SpaceView, today: string, filter: NeedsListFilter) {
	return view.derive(needsListView, today, filter);
}

const isNeedId = entityId<'need'>();

/** The need an address names; null when there is none, the address's id malformed included. */
export function needPage(view: SpaceView, needId: string, today: string) {
	return v.is(isNeedId, needId) ? view.derive(needPageView, needId, today) : null;
}

/** A need's parts week by week, made when the device is idle. */
export function needProgressChart(view: SpaceView, needId: string, today: string) {
	return v.is(isNeedId, needId) ? view.whenIdle(needProgressSeries, needId, today) : undefined;
}
