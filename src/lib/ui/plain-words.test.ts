// What the UI says about syncing, in every language: no "relay" jargon anywhere a member
// reads it, and being offline is said with what it means for their changes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MESSAGES = fileURLToPath(new URL('../../../messages', import.meta.url));

/** Every sentence of `lang`, by key, from the main file and each feature's folder. */
function sentences(lang: string): [string, string][] {
	const files = [join(MESSAGES, `${lang}.json`)];
	for (const entry of readdirSync(MESSAGES, { withFileTypes: true })) {
		if (entry.isDirectory()) files.push(join(MESSAGES, entry.name, `${lang}.json`));
	}
	const found: [string, string][] = [];
	const walk = (key: string, value: unknown): void => {
		if (typeof value === 'string') found.push([key, value]);
		else if (Array.isArray(value)) value.forEach((item, i) => walk(`${key}[${i}]`, item));
		else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${key}.${k}`, v);
	};
	for (const file of files) {
		const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
		for (const [key, value] of Object.entries(messages)) if (!key.startsWith('$')) walk(key, value);
	}
	return found;
}

describe.each(['fr', 'it', 'en'])('the %s messages', (lang) => {
	it('never name the relay', () => {
		const jargon = sentences(lang)
			// Declarations and placeholders are code, not words on screen.
			.filter(([key]) => !key.includes('.declarations') && !key.includes('.selectors'))
			.filter(([, text]) => /relais|relay|relè/i.test(text.replace(/\{[^}]*\}/g, '')));
		expect(jargon).toEqual([]);
	});

	it('say that offline changes are kept on this device', () => {
		const offline = new Map(sentences(lang)).get('status_offline');
		expect(offline).toBe(
			{
				fr: 'Hors ligne — vos modifications sont gardées sur cet appareil',
				it: 'Offline — le tue modifiche restano su questo dispositivo',
				en: 'Offline — your changes are kept on this device'
			}[lang]
		);
	});
});
