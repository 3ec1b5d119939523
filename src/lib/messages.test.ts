import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every UI string exists in each language, with the same placeholders.
const locales = ['fr', 'it', 'en'] as const;
const catalogs = Object.fromEntries(
	locales.map((l) => [l, JSON.parse(readFileSync(`messages/${l}.json`, 'utf8')) as Record<string, unknown>])
);

function placeholders(message: unknown): string[] {
	const text = JSON.stringify(message);
	return [...new Set(text.match(/\{[a-zA-Z]+\}/g) ?? [])].sort();
}

describe('translations', () => {
	it('have the same keys and placeholders in French, Italian and English', () => {
		const reference = catalogs.fr!;
		for (const locale of locales) {
			const catalog = catalogs[locale]!;
			expect(Object.keys(catalog).sort(), locale).toEqual(Object.keys(reference).sort());
			for (const key of Object.keys(reference)) {
				expect(placeholders(catalog[key]), `${locale}.${key}`).toEqual(placeholders(reference[key]));
				expect(JSON.stringify(catalog[key]).length, `${locale}.${key} is empty`).toBeGreaterThan(2);
			}
		}
	});
});
