/**
 * A sample collective to look around in before filling one's own: a few
 * things held (a van, a room, bread near its date), a cash box with a few
 * months of entries, dues, a need half pledged, a vote under way and a person
 * without a phone. Written through the same functions as everything else, so
 * every page shows it as it would a real collective. Its words come from the
 * caller, in the reader's language.
 */
import type * as Y from 'yjs';
import { localDate } from '../core/dates';
import type { MemberId } from '../core/ids';
import { createDecision } from '../decisions/decisions';
import { addResource } from '../inventory/resources';
import { recordDuesPayment, setDues } from '../money/dues';
import { createFund } from '../money/funds';
import { recordEntry } from '../money/ledger';
import { createNeed } from '../needs/needs';
import { addPledge } from '../needs/pledges';
import { createSpace, joinSpace } from './space';
import { addMemberWithoutDevice } from './without-device';

export interface SampleWords {
	collective: string;
	description: string;
	van: string;
	room: string;
	bread: string;
	cashBox: string;
	need: string;
	decision: string;
	proposal: string;
	withoutPhone: string;
}

const DAY = 86_400_000;

/** Fills an empty document as the sample collective, `me` its first member. */
export function seedSample(doc: Y.Doc, me: MemberId, myName: string, words: SampleWords, now = Date.now()): void {
	const daysAgo = (days: number) => localDate(new Date(now - days * DAY));
	const must = <R extends { ok: boolean }>(result: R): R => {
		// The sample is written by the app itself: a refusal here is a bug.
		if (!result.ok) throw new Error(`sample refused: ${JSON.stringify(result)}`);
		return result;
	};
	createSpace(doc, { name: words.collective, description: words.description }, me, now - 120 * DAY);
	joinSpace(doc, me, myName, now - 120 * DAY);
	must(addMemberWithoutDevice(doc, { name: words.withoutPhone, memberSince: daysAgo(100), contact: '' }, me, now - 100 * DAY));

	must(addResource(doc, { kind: 'vehicle', name: words.van, location: '' }, me, now - 110 * DAY));
	must(addResource(doc, { kind: 'room', name: words.room }, me, now - 110 * DAY));
	must(addResource(doc, { kind: 'food', name: words.bread, quantity: 6, unit: 'kg', expiresOn: daysAgo(-1) }, me, now - DAY));

	const box = must(createFund(doc, { name: words.cashBox, kind: 'cash', currency: 'EUR' }, me, now - 110 * DAY));
	if (!box.ok) return;
	must(recordEntry(doc, { fundId: box.id, date: daysAgo(100), amount: 40_000, direction: 'in', category: 'donation' }, me, now - 100 * DAY));
	must(recordEntry(doc, { fundId: box.id, date: daysAgo(60), amount: 8_500, direction: 'out', category: 'purchase' }, me, now - 60 * DAY));
	must(recordEntry(doc, { fundId: box.id, date: daysAgo(20), amount: 12_000, direction: 'out', category: 'purchase' }, me, now - 20 * DAY));
	setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: daysAgo(90) }, me, now - 90 * DAY);
	must(recordDuesPayment(doc, { memberId: me, amount: 3_000, fundId: box.id, date: daysAgo(30), note: '' }, me, now - 30 * DAY));

	const need = createNeed(doc, { kind: 'money', title: words.need, unit: 'EUR', target: 60_000, deadline: daysAgo(-30) }, me, now - 40 * DAY);
	must(addPledge(doc, { needId: need, amount: 25_000, memberId: me }, me, now - 30 * DAY));
	must(createDecision(doc, { title: words.decision, proposal: words.proposal, process: 'vote', closesAt: now + 3 * DAY }, me, now - DAY));
}
