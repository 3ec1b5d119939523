import * as decoding from 'lib0/decoding';
import { describe, expect, test } from 'vitest';
import { silentLogger } from '../logger.js';
import { RelayMetrics } from '../metrics.js';
import { encodeAwarenessUpdate, readAwarenessUpdate, type AwarenessEntry } from '../protocol/awareness.js';
import { CLOSE_POLICY_VIOLATION, CLOSE_UNSUPPORTED_DATA, MESSAGE_AWARENESS } from '../protocol/wire.js';
import { Presence, SIGN_OF_LIFE, type PresenceMember, type PresenceOutcome } from './presence.js';

let nextId = 1;
const member = (): PresenceMember => ({ id: nextId++, controlled: new Set<number>() });
const entry = (clientId: number, clock: number, state: unknown): AwarenessEntry => ({
	clientId,
	clock,
	state: JSON.stringify(state)
});
const update = (...entries: AwarenessEntry[]) => encodeAwarenessUpdate(entries);

/** The entries of an awareness frame, as a client would read them. */
function entriesOf(frame: Uint8Array | null): { clientId: number; clock: number; state: unknown }[] {
	if (frame === null) throw new Error('no frame');
	const decoder = decoding.createDecoder(frame);
	expect(decoding.readVarUint(decoder)).toBe(MESSAGE_AWARENESS);
	const body = decoding.readVarUint8Array(decoder);
	return readAwarenessUpdate(body, Infinity).map(({ clientId, clock, state }) => ({
		clientId,
		clock,
		state: JSON.parse(new TextDecoder().decode(state))
	}));
}

function accepted(outcome: PresenceOutcome) {
	if (outcome.refused) throw new Error(`refused: ${outcome.reason}`);
	return outcome;
}

function presence() {
	return new Presence('room', { metrics: new RelayMetrics({ rooms: () => 0, connections: () => 0 }), logger: silentLogger });
}

describe('presence of a room', () => {
	test('a newcomer hears of nobody in an empty room, then of whoever announced itself', () => {
		const room = presence();
		expect(room.greeting()).toBeNull();
		expect(entriesOf(room.everyone())).toEqual([]);
		const alice = member();
		const outcome = accepted(room.receive(alice, update(entry(7, 1, { name: 'Alice' }))));
		expect(outcome.toSender).toEqual([]);
		expect(entriesOf(outcome.toAll)).toEqual([{ clientId: 7, clock: 1, state: { name: 'Alice' } }]);
		expect(entriesOf(room.greeting())).toEqual([{ clientId: 7, clock: 1, state: { name: 'Alice' } }]);
	});

	test('a client id belongs to the connection that announced it; a stranger’s entry for it gets a sign of life only', () => {
		const room = presence();
		const alice = member();
		const mallory = member();
		accepted(room.receive(alice, update(entry(7, 1, { name: 'Alice' }))));
		const outcome = accepted(room.receive(mallory, update(entry(7, 2, { name: 'Mallory' }))));
		expect(outcome).toEqual({ refused: false, toSender: [SIGN_OF_LIFE], toAll: null });
		expect(entriesOf(room.everyone())).toEqual([{ clientId: 7, clock: 1, state: { name: 'Alice' } }]);
	});

	test('a connection that leaves is announced gone, and its id is free again', () => {
		const room = presence();
		const alice = member();
		accepted(room.receive(alice, update(entry(7, 1, { name: 'Alice' }))));
		expect(entriesOf(room.release(alice))).toEqual([{ clientId: 7, clock: 2, state: null }]);
		expect(room.release(alice)).toBeNull();
		const again = member();
		const outcome = accepted(room.receive(again, update(entry(7, 3, { name: 'Alice' }))));
		expect(entriesOf(outcome.toAll)).toEqual([{ clientId: 7, clock: 3, state: { name: 'Alice' } }]);
	});

	test('a flood of entries closes with 1008, an unreadable update with 1003', () => {
		const room = presence();
		const flood = update(...Array.from({ length: 513 }, (_, i) => entry(i + 1, 1, {})));
		expect(room.receive(member(), flood)).toMatchObject({ refused: true, code: CLOSE_POLICY_VIOLATION });
		expect(room.receive(member(), new Uint8Array([5, 1]))).toMatchObject({
			refused: true,
			code: CLOSE_UNSUPPORTED_DATA
		});
		expect(room.greeting()).toBeNull();
	});
});
