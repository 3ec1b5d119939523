/**
 * A real month of a collective, through the domain alone: dues collected, food
 * received and given, a room shared, a campaign of conditional pledges, three
 * decisions that allocate money, and a transparency report that explains it.
 */
import { describe, expect, it } from 'vitest';
import { listActivity } from '../core/activity';
import { fundBalance } from '../money/balances';
import { confirmBooking, requestBooking } from '../bookings/bookings';
import { openConflicts } from './conflicts';
import { adoptDecision } from '../decisions/closings';
import { createDecision, takePosition } from '../decisions/decisions';
import { duesStatus, recordDuesPayment, setDues } from '../money/dues';
import { createFund } from '../money/funds';
import { created } from '../money/testing';
import { recordEntry } from '../money/ledger';
import { allocatedToNeed } from '../needs/need-funding';
import { createNeed } from '../needs/needs';
import { addPledge, deliverPledge } from '../needs/pledges';
import { needPledges, needProgress } from '../needs/progress';
import { addResource, updateResource } from '../inventory/resources';
import type { NeedId } from '../core/ids';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';
import { transparencyReport } from './transparency';

const day = (d: number, hour = 12) => new Date(`2026-05-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00`).getTime();
const date = (d: number) => `2026-05-${String(d).padStart(2, '0')}`;

describe('a month in the life of a collective', () => {
	it('adds up, and the transparency report explains where everything went', () => {
		const { doc, by: alice } = newSpace('Atelier populaire');
		const bruno = memberId();
		const chiara = memberId();
		joinSpace(doc, bruno, 'Bruno', day(1, 9));
		joinSpace(doc, chiara, 'Chiara', day(1, 9));

		// Dues: 10 € a month for everyone, collected from two of three.
		const cash = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, alice, day(1)));
		setDues(doc, 'default', { amount: 1000, currency: 'EUR', period: 'monthly', start: date(1) }, alice, day(1));
		for (const who of [alice, bruno]) recordDuesPayment(doc, { memberId: who, amount: 1000, fundId: cash, date: date(3), note: '' }, alice, day(3));
		const dues = duesStatus(doc, date(20)).items;
		expect(dues.filter((d) => d.state === 'up_to_date')).toHaveLength(2);
		expect(dues.find((d) => d.memberId === chiara)).toMatchObject({ state: 'due', balance: -1000 });

		// Food received, then given to the neighbouring canteen through its need.
		const veg = created(addResource(doc, { kind: 'food', name: 'Légumes', quantity: 40, unit: 'kg', expiresOn: date(9) }, bruno, day(5)));
		const canteen = createNeed(doc, { kind: 'goods', title: 'Légumes pour la cantine', unit: 'kg', target: 30 }, chiara, day(5));
		const gift = addPledge(doc, { needId: canteen, memberId: bruno, amount: 25, note: 'récolte du marché' }, bruno, day(6));
		if (!gift.ok) throw new Error(gift.reason);
		deliverPledge(doc, gift.id, { deliveredOn: date(7) }, bruno, day(7));
		updateResource(doc, veg, { quantity: 15 }, bruno, day(7));
		expect(needProgress(doc, canteen, date(20))).toMatchObject({ delivered: 25, gap: 5 });

		// A room shared by two groups, one after the other.
		const room = created(addResource(doc, { kind: 'room', name: 'Salle commune' }, alice, day(1)));
		for (const [start, group] of [[day(10, 18), 'Chorale'], [day(10, 20), 'Atelier vélo']] as const) {
			const b = created(requestBooking(doc, { resourceId: room, start, end: start + 2 * 3_600_000, to: { kind: 'collective', name: group } }, alice, day(8)));
			expect(confirmBooking(doc, b, alice, day(8)).ok).toBe(true);
		}

		// A campaign of conditional reservations: they convert once the threshold is reached.
		const campaign = createNeed(doc, { kind: 'money', title: 'Four à pain', unit: 'EUR', target: 60_000 }, alice, day(2));
		for (const [who, amount] of [[alice, 20_000], [bruno, 25_000], [chiara, 20_000]] as const) {
			const p = addPledge(doc, { needId: campaign, memberId: who, amount, condition: { threshold: 60_000, by: date(25) } }, who, day(12));
			expect(p.ok).toBe(true);
		}
		expect(needPledges(doc, campaign, date(20)).items.map((p) => p.state)).toEqual(['converted', 'converted', 'converted']);

		// Donations in, and three decisions that allocate money, two of them to needs.
		recordEntry(doc, { fundId: cash, date: date(4), amount: 50_000, direction: 'in', category: 'donation', counterparty: { kind: 'outside', name: 'Fête de quartier' } }, alice, day(4));
		const allocations: [string, number, NeedId | null][] = [
			['Acompte du four', 15_000, campaign],
			['Bocaux pour la cantine', 4_000, null],
			['Part du loyer', 20_000, null]
		];
		for (const [title, amount, needId] of allocations) {
			const decision = created(
				createDecision(
					doc,
					{ title, proposal: title, process: 'consent', closesAt: day(15), allocations: [{ kind: 'money', fundId: cash, amount, currency: 'EUR', needId: needId ?? undefined }] },
					alice,
					day(13)
				)
			);
			takePosition(doc, decision, { choice: 'agree' }, bruno, day(13, 14));
			expect(adoptDecision(doc, decision, { statement: 'Adopté en assemblée' }, alice, day(15)).ok).toBe(true);
		}
		expect(allocatedToNeed(doc, campaign)).toBe(15_000);
		// Two dues, one donation, three allocations: 20 + 500 − 150 − 40 − 200 = 130 €.
		expect(fundBalance(doc, cash)?.balance).toBe(13_000);
		expect(openConflicts(doc, date(20))).toEqual([]);

		const report = transparencyReport(doc, date(1), date(31));
		const [eur] = report.flows;
		expect(eur).toMatchObject({ currency: 'EUR', received: 52_000, spent: 39_000, spentWithoutDecision: 0 });
		expect(report.decisions.map((d) => [d.title, d.spent.get('EUR')])).toEqual([
			['Acompte du four', 15_000],
			['Bocaux pour la cantine', 4_000],
			['Part du loyer', 20_000]
		]);
		expect(report.bookings).toHaveLength(2);
		expect(listActivity(doc, { subjectKind: 'ledger' }).items.filter((a) => a.decisionId !== null)).toHaveLength(3);
	});
});
