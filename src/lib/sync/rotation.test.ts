import { describe, expect, it } from 'vitest';
import { newId } from '../domain/core';
import type { SpaceEntry } from './device';
import { newSpaceSecret } from './invite';
import type { AccessProbe, RotationAnswer } from './relay-access';
import { settleCarriedKey, settleRotation } from './rotation';

describe('settling a key change', () => {
	const old = newSpaceSecret();
	const pending = newSpaceSecret();
	const entry: SpaceEntry = {
		id: newId<'space'>(),
		secret: old,
		pendingSecret: pending,
		access: 'member',
		relayUrl: 'ws://h/sync',
		name: 'A',
		addedAt: 1
	};
	const { pendingSecret: _, ...withoutPending } = entry;
	const committed = { ...withoutPending, secret: pending };
	const probes = (next: AccessProbe | null, current: AccessProbe | null) => ({ next, current });

	it('takes the new key when the relay says so, without asking more', () => {
		expect(settleRotation(entry, 'rotated', probes(null, null))).toEqual({ entry: committed, state: 'done' });
		expect(settleRotation(entry, 'recovered', probes(null, null))).toEqual({ entry: committed, state: 'done' });
	});

	it('takes the new key when the answer was lost but the relay knows the new token', () => {
		for (const answer of ['offline', 'failed', 'refused'] as RotationAnswer[]) {
			expect(settleRotation(entry, answer, probes('member', 'refused'))).toEqual({ entry: committed, state: 'done' });
		}
	});

	it('keeps the new key for an identical retry while the outcome is unknown', () => {
		for (const next of ['unreachable', null] as const) {
			expect(settleRotation(entry, 'offline', probes(next, 'unreachable'))).toEqual({ entry, state: 'waiting' });
		}
		// The old key still works and the relay did not say no: the same request is sent again later.
		expect(settleRotation(entry, 'failed', probes('refused', 'member'))).toEqual({ entry, state: 'waiting' });
		expect(settleRotation(entry, 'offline', probes('refused', 'member'))).toEqual({ entry, state: 'waiting' });
	});

	it('drops the new key when the relay refused and the old key still holds', () => {
		expect(settleRotation(entry, 'refused', probes('refused', 'member'))).toEqual({ entry: withoutPending, state: 'refused' });
	});

	it('drops the new key when neither key is a member any more', () => {
		expect(settleRotation(entry, 'refused', probes('refused', 'refused'))).toEqual({ entry: withoutPending, state: 'refused' });
		expect(settleRotation(entry, 'failed', probes('refused', 'read'))).toEqual({ entry: withoutPending, state: 'refused' });
	});

	it('never turns the old key into a lost one: it is given up only for a key the relay knows', () => {
		const answers: RotationAnswer[] = ['rotated', 'recovered', 'refused', 'failed', 'offline'];
		const verdicts: (AccessProbe | null)[] = ['member', 'read', 'unclaimed', 'refused', 'unreachable', null];
		for (const answer of answers) {
			for (const next of verdicts) {
				for (const current of verdicts) {
					const step = settleRotation(entry, answer, probes(next, current));
					if (step.entry.secret === pending) {
						expect(answer === 'rotated' || answer === 'recovered' || next === 'member' || (next === 'unclaimed' && current === 'unclaimed')).toBe(true);
					}
					if (current === 'member' && step.entry.secret === old) expect(step.state).not.toBe('done');
				}
			}
		}
	});

	it('leaves an entry with nothing pending as it is', () => {
		expect(settleRotation(withoutPending, 'offline', probes(null, null))).toEqual({ entry: withoutPending, state: 'done' });
	});
});

describe('carrying a key changed elsewhere to this device relay', () => {
	const previous = newSpaceSecret();
	const entry: SpaceEntry = { id: newId<'space'>(), secret: newSpaceSecret(), previousSecret: previous, access: 'member', relayUrl: 'ws://site/sync', name: 'A', addedAt: 1 };
	const { previousSecret: _, ...carried } = entry;
	const probes = (next: AccessProbe | null, current: AccessProbe | null) => ({ next, current });

	it('is done once the relay took the change, or already knew the new key, or forgot the space', () => {
		expect(settleCarriedKey(entry, 'rotated', probes(null, null))).toEqual({ entry: carried, state: 'done' });
		expect(settleCarriedKey(entry, 'refused', probes('member', 'refused'))).toEqual({ entry: carried, state: 'done' });
		expect(settleCarriedKey(entry, 'failed', probes('unclaimed', 'unclaimed'))).toEqual({ entry: carried, state: 'done' });
	});

	it('keeps the old key for another attempt while the relay cannot be asked, or still holds the old key', () => {
		for (const answer of ['offline', 'failed'] as RotationAnswer[]) {
			expect(settleCarriedKey(entry, answer, probes('unreachable', 'unreachable'))).toEqual({ entry, state: 'waiting' });
		}
		expect(settleCarriedKey(entry, 'refused', probes('refused', 'member'))).toEqual({ entry, state: 'waiting' });
	});

	it('gives up when the relay knows neither key: the new key is kept, the old one forgotten', () => {
		expect(settleCarriedKey(entry, 'refused', probes('refused', 'refused'))).toEqual({ entry: carried, state: 'refused' });
	});
});
