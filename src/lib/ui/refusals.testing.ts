/**
 * For the tests of each feature's refusal table: every sentence, in every
 * language, is there, filled in, and really in that language.
 */
import { expect } from 'vitest';
import { locales, overwriteGetLocale, baseLocale } from '$lib/paraglide/runtime';

export interface Sample {
	/** Which refusal this is, for the failure message. */
	name: string;
	/** The sentence the app would show, computed in the current language. */
	text: () => string;
}

/** Each sample's sentence in fr, it and en: non-empty, no unfilled placeholder, and in fr and it not the English one. */
export function expectEveryLanguage(samples: readonly Sample[]): void {
	try {
		for (const sample of samples) {
			const texts = new Map<string, string>();
			for (const locale of locales) {
				overwriteGetLocale(() => locale);
				const text = sample.text();
				texts.set(locale, text);
				expect(text.trim(), `${sample.name} in ${locale}`).not.toBe('');
				expect(text, `${sample.name} in ${locale}`).not.toMatch(/\{[a-zA-Z]+\}|undefined|\[object /);
			}
			for (const locale of locales) {
				if (locale === 'en') continue;
				expect(texts.get(locale), `${sample.name}: ${locale} shows the English sentence`).not.toBe(texts.get('en'));
			}
		}
	} finally {
		overwriteGetLocale(() => baseLocale);
	}
}
