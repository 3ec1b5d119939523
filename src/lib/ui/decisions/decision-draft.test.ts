import { describe, expect, it } from 'vitest';
import { createDecision, getDecision } from '../../domain/decisions';
import { createFund } from '../../domain/money';
import { created } from '../../domain/money/testing';
import { newSpace } from '../../domain/space/testing';
import {
	blankAllocation,
	blankDecision,
	localDateTime,
	parseLocalDateTime,
	readDecisionDraft,
	restoreDraft,
	type DecisionDraft
} from './decision-draft';

const NOW = new Date(2027, 0, 15, 10, 30).getTime();
const euros = (id: string) => (id === 'fund-eur-000000001' ? 'EUR' : null);

function draft(overrides: Partial<DecisionDraft> = {}): DecisionDraft {
	return { ...blankDecision(NOW), title: 'Prêter la camionnette', ...overrides };
}

describe('reading the proposal form', () => {
	it('starts as a consent closing a week later, on the hour', () => {
		const blank = blankDecision(NOW);
		expect(blank.process).toBe('consent');
		expect(blank.closesAt).toBe('2027-01-22T10:00');
		expect(parseLocalDateTime(blank.closesAt)).toBe(new Date(2027, 0, 22, 10, 0).getTime());
		expect(localDateTime(NOW)).toBe('2027-01-15T10:30');
		expect(parseLocalDateTime('')).toBeNull();
		expect(parseLocalDateTime('demain')).toBeNull();
	});

	it('turns a vote with quorum into what createDecision takes', () => {
		const read = readDecisionDraft(draft({ process: 'vote', majority: 'two_thirds', quorum: ' 5 ', reviewOn: '2027-06-01' }), euros, NOW);
		expect(read).toEqual({
			ok: true,
			input: {
				title: 'Prêter la camionnette',
				proposal: '',
				process: 'vote',
				majority: 'two_thirds',
				quorum: 5,
				closesAt: new Date(2027, 0, 22, 10, 0).getTime(),
				reviewOn: '2027-06-01',
				allocations: []
			}
		});
		const { doc, by } = newSpace();
		if (!read.ok) throw new Error('unreachable');
		const id = created(createDecision(doc, read.input, by, NOW));
		expect(getDecision(doc, id)).toMatchObject({ quorum: 5, process: { kind: 'vote', majority: 'two_thirds' } });
	});

	it('names the first thing to fix', () => {
		expect(readDecisionDraft(draft({ title: '  ' }), euros, NOW)).toEqual({ ok: false, problem: { field: 'title' } });
		expect(readDecisionDraft(draft({ closesAt: '2027-01-15T10:00' }), euros, NOW)).toEqual({ ok: false, problem: { field: 'closesAt' } });
		expect(readDecisionDraft(draft({ quorum: '2,5' }), euros, NOW)).toEqual({ ok: false, problem: { field: 'quorum' } });
		expect(readDecisionDraft(draft({ quorum: '-1' }), euros, NOW)).toEqual({ ok: false, problem: { field: 'quorum' } });
		expect(readDecisionDraft(draft({ process: 'poll', options: ['Samedi', ' '] }), euros, NOW)).toEqual({
			ok: false,
			problem: { field: 'options' }
		});
		expect(readDecisionDraft(draft({ process: 'poll', options: ['Samedi', 'samedi '] }), euros, NOW)).toEqual({
			ok: false,
			problem: { field: 'options_twice' }
		});
	});

	it('keeps poll options in order, blank ones left out', () => {
		const read = readDecisionDraft(draft({ process: 'poll', options: ['Samedi', '', 'Dimanche'], multiple: true }), euros, NOW);
		expect(read.ok && read.input).toMatchObject({ process: 'poll', options: ['Samedi', 'Dimanche'], multiple: true });
	});

	it('reads allocations in the fund currency and says which one is wrong', () => {
		const money = { ...blankAllocation('money'), fundId: 'fund-eur-000000001', amount: '120,50', needId: 'need-00000000000001' };
		const read = readDecisionDraft(draft({ allocations: [money] }), euros, NOW);
		expect(read.ok && read.input.allocations).toEqual([
			{ kind: 'money', fundId: 'fund-eur-000000001', amount: 12_050, currency: 'EUR', needId: 'need-00000000000001', budgetLineId: null }
		]);
		const badAmount = { ...money, amount: '-3' };
		const noFund = { ...money, fundId: '' };
		const slot = { ...blankAllocation('booking'), resourceId: 'van-0000000000000001', start: '2027-02-01T10:00', end: '2027-02-01T09:00', toName: 'Cantine' };
		const nobody = { ...slot, end: '2027-02-01T18:00', toName: ' ' };
		const noNeed = blankAllocation('close_need');
		const problem = (allocation: typeof money, index = 1) => {
			const r = readDecisionDraft(draft({ allocations: [money, allocation] }), euros, NOW);
			return r.ok ? null : r.problem;
		};
		expect(problem(badAmount)).toEqual({ field: 'allocation', index: 1, problem: 'amount' });
		expect(problem(noFund)).toEqual({ field: 'allocation', index: 1, problem: 'fund' });
		expect(problem(slot)).toEqual({ field: 'allocation', index: 1, problem: 'slot' });
		expect(problem(nobody)).toEqual({ field: 'allocation', index: 1, problem: 'recipient' });
		expect(problem(noNeed)).toEqual({ field: 'allocation', index: 1, problem: 'need' });
		const booking = readDecisionDraft(draft({ allocations: [{ ...nobody, toKind: 'member', toMember: 'member-000000000001' }] }), euros, NOW);
		expect(booking.ok && booking.input.allocations?.[0]).toEqual({
			kind: 'booking',
			resourceId: 'van-0000000000000001',
			start: new Date(2027, 1, 1, 10, 0).getTime(),
			end: new Date(2027, 1, 1, 18, 0).getTime(),
			to: { kind: 'member', memberId: 'member-000000000001' }
		});
	});

	it('reads a role given or taken back, and asks for both the role and the member', () => {
		const role = { ...blankAllocation('role'), role: 'treasurer', toMember: 'member-000000000001' };
		const read = readDecisionDraft(draft({ allocations: [role, { ...role, roleChange: 'revoke' as const }] }), euros, NOW);
		expect(read.ok && read.input.allocations).toEqual([
			{ kind: 'role', role: 'treasurer', memberId: 'member-000000000001', change: 'grant' },
			{ kind: 'role', role: 'treasurer', memberId: 'member-000000000001', change: 'revoke' }
		]);
		for (const wrong of [{ ...role, role: '' }, { ...role, role: 'king' }, { ...role, toMember: '' }]) {
			const refused = readDecisionDraft(draft({ allocations: [wrong] }), euros, NOW);
			expect(refused.ok ? null : refused.problem).toEqual({ field: 'allocation', index: 0, problem: 'role' });
		}
	});

	it('reads a real fund: a proposal with money from it opens', () => {
		const { doc, by } = newSpace();
		const fund = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'JPY' }, by));
		const currency = (id: string) => (id === fund ? 'JPY' : null);
		const read = readDecisionDraft(draft({ allocations: [{ ...blankAllocation('money'), fundId: fund, amount: '1200' }] }), currency, NOW);
		if (!read.ok) throw new Error(JSON.stringify(read.problem));
		const id = created(createDecision(doc, read.input, by, NOW));
		expect(getDecision(doc, id)?.allocations[0]?.effect).toMatchObject({ kind: 'money', amount: 1200, currency: 'JPY' });
	});
});

describe('restoring a stored draft', () => {
	it('keeps what it can read and drops the rest', () => {
		const fallback = blankDecision(NOW);
		const stored = {
			...fallback,
			process: 'lottery',
			options: ['Samedi', 3],
			allocations: [{ kind: 'money', amount: '12', fundId: 7 }, { kind: 'teleport' }, null]
		} as unknown as DecisionDraft;
		const restored = restoreDraft(stored, fallback);
		expect(restored.process).toBe('consent');
		expect(restored.options).toEqual(['Samedi', '']);
		expect(restored.allocations).toEqual([{ ...blankAllocation('money'), amount: '12' }]);
	});
});
