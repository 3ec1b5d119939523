import { describe, expect, it } from 'vitest';
import { compareIds, compareNames } from './order';

describe('the order of names', () => {
	it('looks at case and accents last and reads numbers by value', () => {
		const names = ['salle 10', 'Éponge', 'Salle 2', 'atelier', 'epicerie'];
		expect([...names].sort(compareNames)).toEqual(['atelier', 'epicerie', 'Éponge', 'Salle 2', 'salle 10']);
	});

	it('is the same whatever language the device runs in', () => {
		const names = ['ä', 'z', 'a', 'å', 'ö', 'o'];
		const here = [...names].sort(compareNames);
		// Swedish puts å, ä and ö after z; the domain's order never follows a device's language.
		expect([...names].sort((a, b) => a.localeCompare(b, 'sv'))).not.toEqual(here);
		expect(here).toEqual(['a', 'ä', 'å', 'o', 'ö', 'z'].sort(compareNames));
		expect(here.indexOf('z')).toBe(names.length - 1);
	});

	it('orders ids by code unit', () => {
		expect(['b', 'B', 'a'].sort(compareIds)).toEqual(['B', 'a', 'b']);
	});
});
