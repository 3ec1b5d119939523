import { describe, expect, it } from 'vitest';
import { fileSlug } from './download';

describe('export file names', () => {
	it('keep letters and digits, without accents, joined by dashes', () => {
		expect(fileSlug('Atelier GKN · Campi Bisenzio')).toBe('atelier-gkn-campi-bisenzio');
		expect(fileSlug('Fête de la Coopé')).toBe('fete-de-la-coope');
	});

	it('never end up empty', () => {
		expect(fileSlug('¿?!')).toBe('passerelle');
	});
});
