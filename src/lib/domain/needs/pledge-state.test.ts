import { describe, expect, it } from 'vitest';
import { newId } from '../core/ids';
import { byCreation, counts, isContested, pledgeState, pledgeStates, sum, PLEDGE_STATES } from './pledge-state';
import type { Pledge } from './pledge';
import { memberId } from '../space/testing';
import { replay, seeds, shuffle } from '../../testing/random';

const open = { status: 'open' } as const;
let clock = 0;

/** A pledge as read from the document, with only what a test cares about. */
function made(pledgedOn: string, amount: number, fields: Partial<Pledge> = {}): Pledge {
	const by = memberId();
	return {
		id: newId<'pledge'>(),
		needId: newId<'need'>(),
		memberId: by,
		supporterName: '',
		amount,
		note: '',
		resourceId: null,
		conditionThreshold: null,
		conditionBy: null,
		pledgedOn,
		deliveredOn: null,
		deliveredAt: null,
		deliveredBy: null,
		withdrawnOn: null,
		withdrawnAt: null,
		withdrawnBy: null,

		withdrawReason: '',
		createdAt: ++clock,
		createdBy: by,
		...fields
	};
}

const share = (amount: number, pledgedOn = '2026-03-01') =>
	made(pledgedOn, amount, { conditionThreshold: 1000, conditionBy: '2026-03-31' });

describe('pledge state', () => {
	it('is promised, delivered or withdrawn from its marks, delivery first', () => {
		const firm = made('2026-03-01', 10);
		const delivered = made('2026-03-01', 10, { deliveredOn: '2026-03-02' });
		const withdrawn = made('2026-03-01', 10, { withdrawnOn: '2026-03-02' });
		const both = made('2026-03-01', 10, { deliveredOn: '2026-03-02', withdrawnOn: '2026-03-02' });
		const all = [firm, delivered, withdrawn, both];
		expect(all.map((p) => pledgeState(p, open, all, '2026-03-05'))).toEqual(['promised', 'delivered', 'withdrawn', 'delivered']);
		expect(all.map(isContested)).toEqual([false, false, false, true]);
	});

	it('converts a conditional pledge once firm and conditional pledges reach its threshold', () => {
		const mine = share(300);
		const firm = made('2026-03-05', 400);
		expect(pledgeState(mine, open, [mine, firm], '2026-03-06')).toBe('conditional');
		const other = share(300, '2026-03-10');
		expect(pledgeState(mine, open, [mine, firm, other], '2026-03-10')).toBe('converted');
		expect(pledgeState(other, open, [mine, firm, other], '2026-03-10')).toBe('converted');
	});

	it('lapses after its date if the threshold was not reached by then', () => {
		const mine = share(300);
		const early = made('2026-03-05', 400);
		const late = made('2026-04-01', 5000);
		expect(pledgeState(mine, open, [mine, early, late], '2026-03-31')).toBe('conditional');
		expect(pledgeState(mine, open, [mine, early, late], '2026-04-01')).toBe('lapsed');
	});

	it('counts what was withdrawn only if withdrawn after the date, so late changes undo nothing', () => {
		const mine = share(500);
		const firm = made('2026-03-02', 500, { withdrawnOn: '2026-03-20' });
		expect(pledgeState(mine, open, [mine, firm], '2026-03-20')).toBe('conditional');
		const firmLater = { ...firm, withdrawnOn: '2026-04-02' };
		expect(pledgeState(mine, open, [mine, firmLater], '2026-04-05')).toBe('converted');
		const deliveredAnyway = { ...firm, deliveredOn: '2026-03-19' };
		expect(pledgeState(mine, open, [mine, deliveredAnyway], '2026-03-20')).toBe('converted');
	});

	it('lapses with its need closed unless it had converted', () => {
		const waiting = share(300);
		expect(pledgeState(waiting, { status: 'closed' }, [waiting], '2026-03-05')).toBe('lapsed');
		const big = share(1000);
		expect(pledgeState(big, { status: 'closed' }, [big], '2026-03-05')).toBe('converted');
	});

	it('is the same whatever order the pledges come in, one by one or all at once', () => {
		const pledges = [
			share(200),
			share(300, '2026-03-04'),
			made('2026-03-03', 250),
			made('2026-03-06', 250, { withdrawnOn: '2026-03-07' }),
			made('2026-03-05', 100, { conditionThreshold: 2000, conditionBy: '2026-03-10' }),
			share(100, '2026-03-25')
		];
		const expected = pledgeStates(open, pledges, '2026-03-20');
		expect([...expected.values()]).toEqual(['conditional', 'conditional', 'promised', 'withdrawn', 'lapsed', 'conditional']);
		for (const seed of seeds(Array.from({ length: 20 }, (_, n) => n + 1))) {
			replay(seed, (gen) => {
				const shuffled = shuffle(gen, pledges);
				const states = pledgeStates(open, shuffled, '2026-03-20');
				for (const p of pledges) {
					expect(states.get(p.id)).toBe(expected.get(p.id));
					expect(pledgeState(p, open, shuffled, '2026-03-20')).toBe(expected.get(p.id));
				}
			});
		}
	});

	it('counts toward a cap while firm or still hoped for', () => {
		expect(PLEDGE_STATES.filter(counts)).toEqual(['promised', 'conditional', 'converted', 'delivered']);
	});
});

describe('quantities', () => {
	it('add exactly in any order', () => {
		expect(sum([0.1, 0.2])).toBe(0.3);
		expect(sum([0.2, 0.1, 2.5, -0.3])).toBe(2.5);
		expect(sum([1_000_000_000_000, 1, -2])).toBe(999_999_999_999);
		expect(sum([])).toBe(0);
	});

	it('sort by creation, ties broken by id', () => {
		const items = [
			{ id: 'b', createdAt: 2 },
			{ id: 'c', createdAt: 1 },
			{ id: 'a', createdAt: 2 }
		];
		expect(byCreation(items).map((x) => x.id)).toEqual(['c', 'a', 'b']);
		expect(items.map((x) => x.id)).toEqual(['b', 'c', 'a']);
	});
});
