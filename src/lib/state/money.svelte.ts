/**
 * The money pages' views, kept until something they read changes. The needs
 * and decisions an entry points at stand above money in the domain, so they
 * are read here and handed to the money views.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import { entityId, type FundId, type LedgerEntryId } from '../domain/core';
import { listDecisions } from '../domain/decisions';
import {
	duesCollection,
	duesView,
	fundBalanceSeries,
	lastMonths,
	entryPageView,
	fundPageView,
	ledgerView,
	moneyOverviewView,
	type LedgerFilter,
	type Linked
} from '../domain/money';
import { readNeeds } from '../domain/needs';
import type { SpaceView } from './space.svelte';

/** The needs and decisions an entry may point at, read for the money views and the export. */
export function linkedFor(doc: Y.Doc): Linked {
	return linked(doc);
}

function linked(doc: Y.Doc): Linked {
	return {
		needs: () => readNeeds(doc).items,
		decisions: () => listDecisions(doc).items
	};
}

// One function per view, so that a view is kept by function and arguments until something it read changes.
const ledgerOf = (doc: Y.Doc, filter: LedgerFilter) => ledgerView(doc, filter, linked(doc));
const entryOf = (doc: Y.Doc, entryId: LedgerEntryId) => entryPageView(doc, entryId, linked(doc));
const fundOf = (doc: Y.Doc, fundId: FundId) => fundPageView(doc, fundId, linked(doc));
const overviewOf = (doc: Y.Doc, showArchived: boolean) => moneyOverviewView(doc, { showArchived });

export function moneyOverview(view: SpaceView, showArchived: boolean) {
	return view.derive(overviewOf, showArchived);
}

export function ledgerPage(view: SpaceView, filter: LedgerFilter) {
	return view.derive(ledgerOf, filter);
}

const isEntryId = entityId<'ledger-entry'>();
const isFundId = entityId<'fund'>();

/** The entry an address names; null when there is none, the address's id malformed included. */
export function entryPage(view: SpaceView, entryId: string) {
	return v.is(isEntryId, entryId) ? view.derive(entryOf, entryId) : null;
}

export function fundPage(view: SpaceView, fundId: string) {
	return v.is(isFundId, fundId) ? view.derive(fundOf, fundId) : null;
}

export function duesPage(view: SpaceView, today: string) {
	return view.derive(duesView, today);
}

/** A fund's month-end balances over the last twelve months, made when the device is idle. */
export function fundBalanceChart(view: SpaceView, fundId: string, today: string) {
	const { from, to } = lastMonths(today, 12);
	return v.is(isFundId, fundId) ? view.whenIdle(fundBalanceSeries, fundId as FundId, from, to) : undefined;
}

/** Dues asked and paid in each of the last twelve months, made when the device is idle: it reads the dues thirteen times. */
export function duesChart(view: SpaceView, today: string) {
	const { from, to } = lastMonths(today, 12);
	return view.whenIdle(duesCollection, from, to);
}
