import { describe, expect, it } from 'vitest';
import { newId, type SpaceId } from '../domain/core';
import { readIdentity, readSpaces, removeSpace, saveIdentityName, saveSpace, type KeyValueStore, type SpaceEntry } from './device';
import { newSpaceSecret } from './invite';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore {
	const data = new Map(Object.entries(initial));
	return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('device memory', () => {
	it('keeps one member id across name changes', () => {
		const store = memoryStore();
		expect(readIdentity(store)).toBeNull();
		const first = saveIdentityName(store, ' Alice ');
		expect(first.name).toBe('Alice');
		const second = saveIdentityName(store, 'Alice B.');
		expect(second.memberId).toBe(first.memberId);
		expect(readIdentity(store)).toEqual(second);
		expect(() => saveIdentityName(store, '   ')).toThrow();
	});

	it('adds and updates spaces by id, skipping corrupt entries', () => {
		const store = memoryStore();
		const entry = { id: newId<'space'>(), secret: newSpaceSecret(), relayUrl: 'ws://h/sync', name: 'A', addedAt: 1, access: 'member' as const };
		saveSpace(store, entry);
		saveSpace(store, { ...entry, name: 'B' });
		expect(readSpaces(store)).toEqual([{ ...entry, name: 'B' }]);
		const { access: _, ...older } = entry;
		expect(readSpaces(memoryStore({ 'passerelle:spaces': JSON.stringify([older]) }))).toEqual([entry]);
		const corrupt = memoryStore({ 'passerelle:spaces': JSON.stringify([{ id: 3 }, entry]) });
		expect(readSpaces(corrupt)).toEqual([entry]);
		expect(readSpaces(memoryStore({ 'passerelle:spaces': 'not json' }))).toEqual([]);
	});

	it('keeps the claim secret, recovery hash, pending secret and claim key, and still reads older entries', () => {
		const store = memoryStore();
		const base = { id: newId<'space'>(), secret: newSpaceSecret(), relayUrl: 'ws://h/sync', name: 'A', addedAt: 1, access: 'member' as const };
		const full = {
			...base,
			claim: newSpaceSecret(),
			recoveryHash: 'a'.repeat(64),
			pendingSecret: newSpaceSecret(),
			claimKey: 'site-key-of-the-factory'
		};
		saveSpace(store, full);
		expect(readSpaces(store)).toEqual([full]);
		saveSpace(store, base);
		expect(readSpaces(store)).toEqual([base]);
		const bad = memoryStore({ 'passerelle:spaces': JSON.stringify([{ ...full, recoveryHash: 'XYZ' }, base]) });
		expect(readSpaces(bad)).toEqual([base]);
		const badKey = memoryStore({ 'passerelle:spaces': JSON.stringify([{ ...full, claimKey: 'a b' }]) });
		expect(readSpaces(badKey)).toEqual([]);
	});

	it('keeps a sample collective marked as one, and forgets a space on its own', () => {
		const store = memoryStore();
		const sample: SpaceEntry = { id: `sample-${newSpaceSecret()}` as SpaceId, secret: newSpaceSecret(), access: 'member', relayUrl: '', name: 'Exemple', addedAt: 1, sample: true };
		const own: SpaceEntry = { id: newSpaceSecret() as SpaceId, secret: newSpaceSecret(), access: 'member', relayUrl: 'ws://relay', name: 'Atelier', addedAt: 2 };
		saveSpace(store, sample);
		saveSpace(store, own);
		expect(readSpaces(store).find((s) => s.id === sample.id)?.sample).toBe(true);
		expect('sample' in readSpaces(store).find((s) => s.id === own.id)!).toBe(false);
		expect(removeSpace(store, sample.id).map((s) => s.id)).toEqual([own.id]);
		expect(readSpaces(store).map((s) => s.id)).toEqual([own.id]);
	});
});
