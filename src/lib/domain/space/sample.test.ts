import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listDecisions } from '../decisions/decisions';
import { listResources } from '../inventory/resources';
import { duesStatus } from '../money/dues';
import { readLedger } from '../money/ledger';
import { readNeeds } from '../needs/needs';
import { seedSample } from './sample';
import { readSpaceMeta } from './space';
import { memberId } from './testing';
import { currentMembers } from './without-device';

const WORDS = {
	collective: 'Exemple',
	description: 'Pour voir',
	van: 'Camionnette',
	room: 'Salle',
	bread: 'Pain',
	cashBox: 'Caisse',
	need: 'Loyer',
	decision: 'Repeindre',
	proposal: 'En vert',
	withoutPhone: 'Maria'
};

describe('the sample collective', () => {
	it('holds a little of everything, written as any collective is', () => {
		const doc = new Y.Doc();
		const me = memberId();
		seedSample(doc, me, 'Alice', WORDS, Date.UTC(2026, 5, 1));
		expect(readSpaceMeta(doc)?.name).toBe('Exemple');
		expect(listResources(doc).items.map((r) => r.name).sort()).toEqual(['Camionnette', 'Pain', 'Salle']);
		expect(readLedger(doc).items).toHaveLength(4);
		expect(readNeeds(doc).items.map((n) => n.title)).toEqual(['Loyer']);
		expect(listDecisions(doc, { status: 'open' }).items.map((d) => d.title)).toEqual(['Repeindre']);
		expect(currentMembers(doc).items.map((m) => m.name)).toEqual(['Alice', 'Maria']);
		expect(duesStatus(doc, '2026-06-01').items.length).toBe(2);
	});
});
