/**
 * The money pages' views, recomputed after each change of the document. The
 * needs and decisions an entry points at stand above money in the domain, so
 * they are read here and handed to the money views.
 */
import type * as Y from 'yjs';
import type { FundId, LedgerEntryId } from '../domain/core';
import { listDecisions } from '../domain/decisions';
import {
	duesView,
	entryPageView,
	fundPageView,
	ledgerView,
	moneyOverviewView,
	type LedgerFilter,
	type Linked
} from '../domain/money';
import { readNeeds } from '../domain/needs';
import type { SpaceView } from './space.svelte';

function linked(doc: Y.Doc): Linked {
	return {
		needs: () => readNeeds(doc).items,
		decisions: () => listDecisions(doc).items
	};
}

export function moneyOverview(view: SpaceView, showArchived: boolean) {
	return view.read((doc) => moneyOverviewView(doc, { showArchived }));
}

export function ledgerPage(view: SpaceView, filter: LedgerFilter) {
	return view.read((doc) => ledgerView(doc, filter, linked(doc)));
}

export function entryPage(view: SpaceView, entryId: LedgerEntryId) {
	return view.read((doc) => entryPageView(doc, entryId, linked(doc)));
}

export function fundPage(view: SpaceView, fundId: FundId) {
	return view.read((doc) => fundPageView(doc, fundId, linked(doc)));
}

export function duesPage(view: SpaceView, today: string) {
	return view.read((doc) => duesView(doc, today));
}
