import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every UI string exists in each language, with the same placeholders. The
// catalogs are split by feature: messages/{locale}.json and messages/<feature>/{locale}.json.
const locales = ['fr', 'it', 'en'] as const;
const folders = ['messages', ...readdirSync('messages').map((f) => join('messages', f)).filter((f) => statSync(f).isDirectory())];

function catalog(folder: string, locale: string): Record<string, unknown> {
	const { $schema: _, ...messages } = JSON.parse(readFileSync(join(folder, `${locale}.json`), 'utf8')) as Record<string, unknown>;
	return messages;
}

function placeholders(message: unknown): string[] {
	return [...new Set(JSON.stringify(message).match(/\{[a-zA-Z]+\}/g) ?? [])].sort();
}

describe('translations', () => {
	for (const folder of folders) {
		it(`${folder}: the same keys and placeholders in French, Italian and English`, () => {
			const reference = catalog(folder, 'fr');
			for (const locale of locales) {
				const messages = catalog(folder, locale);
				expect(Object.keys(messages).sort(), locale).toEqual(Object.keys(reference).sort());
				for (const key of Object.keys(reference)) {
					expect(placeholders(messages[key]), `${locale}.${key}`).toEqual(placeholders(reference[key]));
					expect(JSON.stringify(messages[key]).length, `${locale}.${key} is empty`).toBeGreaterThan(2);
				}
			}
		});
	}

	it('no key is defined in two catalogs', () => {
		const seen = new Map<string, string>();
		for (const folder of folders) {
			for (const key of Object.keys(catalog(folder, 'fr'))) {
				expect(seen.get(key), `${key} in ${folder}`).toBeUndefined();
				seen.set(key, folder);
			}
		}
	});
});
