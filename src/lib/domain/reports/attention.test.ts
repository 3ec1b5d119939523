import { describe, expect, it } from 'vitest';
import { confirmBooking, cancelBooking, requestBooking } from '../bookings/bookings';
import { createDecision, takePosition } from '../decisions/decisions';
import { addResource, listResources, removeResource } from '../inventory/resources';
import { recordDuesPayment, setDues } from '../money/dues';
import { fund } from '../money/testing';
import { at, hoursNeed, moneyNeed, pledge } from '../needs/testing';
import { joinSpace } from '../space/space';
import { created, memberId, newSpace } from '../space/testing';
import { attentionView, type AttentionItem } from './attention';

const H = 3_600_000;
const TODAY = '2026-03-20';
const NOW = at(TODAY);

/** A collective of two with something of every kind that asks for attention, and some that do not. */
function collective() {
	const { doc, by: alice } = newSpace();
	const bob = memberId();
	joinSpace(doc, bob, 'Bruno', at('2025-12-01'));
	const soon = created(createDecision(doc, { title: 'Repeindre', proposal: 'Le local', process: 'vote', closesAt: NOW + 5 * H }, alice, NOW - 48 * H));
	const later = created(createDecision(doc, { title: 'Budget', proposal: 'Annuel', process: 'vote', closesAt: NOW + 10 * 24 * H }, alice, NOW - 48 * H));
	const answered = created(createDecision(doc, { title: 'Fête', proposal: 'En juin', process: 'vote', closesAt: NOW + 2 * H }, alice, NOW - 48 * H));
	expect(takePosition(doc, answered, { choice: 'yes' }, alice, NOW - H).ok).toBe(true);
	// Dues of 10 € a month since January: nobody paid, so both are late.
	setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, alice, at('2026-01-01'));
	created(addResource(doc, { kind: 'food', name: 'Pain', quantity: 4, unit: 'kg', expiresOn: TODAY }, alice, NOW - H));
	created(addResource(doc, { kind: 'food', name: 'Riz', quantity: 5, unit: 'kg', expiresOn: '2026-03-22' }, alice, NOW - H));
	created(addResource(doc, { kind: 'food', name: 'Pâtes', quantity: 5, unit: 'kg', expiresOn: '2026-05-01' }, alice, NOW - H));
	const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, alice, NOW - H));
	const morning = new Date(2026, 2, 20, 9).getTime();
	const tomorrow = new Date(2026, 2, 21, 18).getTime();
	const inThreeDays = new Date(2026, 2, 23, 9).getTime();
	const today = created(requestBooking(doc, { resourceId: room, start: morning, end: morning + 2 * H, to: { kind: 'member', memberId: bob } }, bob, NOW - H));
	confirmBooking(doc, today, alice, NOW - H);
	created(requestBooking(doc, { resourceId: room, start: tomorrow, end: tomorrow + H, to: { kind: 'collective', name: 'Voisins' } }, bob, NOW - H));
	created(requestBooking(doc, { resourceId: room, start: inThreeDays, end: inThreeDays + H, to: { kind: 'member', memberId: bob } }, bob, NOW - H));
	const cancelled = created(requestBooking(doc, { resourceId: room, start: tomorrow + 2 * H, end: tomorrow + 3 * H, to: { kind: 'member', memberId: bob } }, bob, NOW - H));
	cancelBooking(doc, cancelled, bob, NOW - H);
	moneyNeed(doc, alice, { title: 'Loyer', target: 100_000, deadline: '2026-03-25' }, at('2026-03-01'));
	moneyNeed(doc, alice, { title: 'Chauffage', target: 100_000, deadline: '2026-06-01' }, at('2026-03-01'));
	const nearly = hoursNeed(doc, alice, { title: 'Chantier', target: 40 }, at('2026-03-01'));
	pledge(doc, nearly, 32, bob, at('2026-03-10'));
	return { doc, alice, bob, soon, later, answered };
}

const short = (item: AttentionItem): string => {
	switch (item.kind) {
		case 'decision':
			return `${item.urgency} decision ${item.title}${item.mineMissing ? ' (mine missing)' : ''}`;
		case 'dues_late':
			return `${item.urgency} dues ${item.name}${item.mine ? ' (mine)' : ''}`;
		case 'food_expiring':
			return `${item.urgency} food ${item.name}`;
		case 'booking':
			return `${item.urgency} booking ${item.resourceName} ${item.day}${item.requested ? ' (requested)' : ''}`;
		case 'need_deadline':
			return `${item.urgency} deadline ${item.title}`;
		case 'need_threshold':
			return `${item.urgency} threshold ${item.title}`;
	}
};

describe('what needs attention', () => {
	it('lists every kind of item, most urgent first, the reader’s own first', () => {
		const { doc, alice } = collective();
		const view = attentionView(doc, { me: alice, today: TODAY, now: NOW, lastVisit: null });
		expect(view.items.map(short)).toEqual([
			'0 dues Alice (mine)',
			'0 food Pain',
			'0 booking Salle today',
			'0 decision Repeindre (mine missing)',
			'1 decision Fête',
			'1 booking Salle tomorrow (requested)',
			'1 food Riz',
			'1 deadline Loyer',
			'1 decision Budget (mine missing)',
			'2 dues Bruno',
			'2 threshold Chantier'
		]);
		expect(view.since).toBeNull();
	});

	it('says what is owed and for how many periods, and which position is missing for whom', () => {
		const { doc, alice, bob } = collective();
		const forBob = attentionView(doc, { me: bob, today: TODAY, now: NOW, lastVisit: null });
		const dues = forBob.items.filter((i) => i.kind === 'dues_late');
		expect(dues.map((d) => [d.name, d.mine, d.owed, d.periodsLate])).toEqual([
			['Bruno', true, 3_000, 3],
			['Alice', false, 3_000, 3]
		]);
		// Bob answered none: every open decision misses his position.
		expect(forBob.items.filter((i) => i.kind === 'decision').every((d) => d.mineMissing)).toBe(true);
		const forAlice = attentionView(doc, { me: alice, today: TODAY, now: NOW, lastVisit: null });
		expect(forAlice.items.find((i) => i.kind === 'decision' && i.title === 'Fête')).toMatchObject({ mineMissing: false });
	});

	it('drops what has passed: bookings of other days, a deadline gone by', () => {
		const { doc, alice } = collective();
		const later = attentionView(doc, { me: alice, today: '2026-04-30', now: at('2026-04-30'), lastVisit: null });
		const kinds = later.items.map(short);
		// The decisions closed by date are still open until someone closes them; the food is expired by then.
		expect(kinds).toContain('0 food Riz');
		expect(kinds.some((k) => k.includes('booking'))).toBe(false);
		expect(kinds.some((k) => k.includes('deadline Loyer'))).toBe(false);
	});

	it('drops what is settled: dues paid, food used up, a decision answered', () => {
		const { doc, alice, soon } = collective();
		const cash = fund(doc, alice, { name: 'Caisse' });
		expect(recordDuesPayment(doc, { memberId: alice, amount: 3_000, fundId: cash, date: TODAY, note: '' }, alice, NOW).ok).toBe(true);
		const pain = listResources(doc).items.find((r) => r.name === 'Pain')!;
		removeResource(doc, pain.id, alice, NOW);
		expect(takePosition(doc, soon, { choice: 'no' }, alice, NOW).ok).toBe(true);
		const kinds = attentionView(doc, { me: alice, today: TODAY, now: NOW, lastVisit: null }).items.map(short);
		expect(kinds).not.toContain('0 dues Alice (mine)');
		expect(kinds.some((k) => k.includes('Pain'))).toBe(false);
		expect(kinds).toContain('1 decision Repeindre');
	});

	it('tells what others did since the last visit, newest first, not the reader’s own', () => {
		const { doc, alice, bob } = collective();
		const since = attentionView(doc, { me: alice, today: TODAY, now: NOW, lastVisit: NOW - 2 * H }).since;
		// Since then: Bob's four bookings and a cancellation, Alice's position, resources and needs are hers.
		expect(since?.count).toBe(5);
		expect(since?.recent.every((a) => a.by === bob && a.byName === 'Bruno')).toBe(true);
		expect(since?.recent.map((a) => a.action)).toContain('booking.cancelled');
		const nothing = attentionView(doc, { me: alice, today: TODAY, now: NOW, lastVisit: NOW }).since;
		expect(nothing).toEqual({ count: 0, recent: [] });
	});
});
