import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as m from '$lib/paraglide/messages';
import { overwriteGetLocale, baseLocale } from '$lib/paraglide/runtime';
import { elides, named } from './elision';

describe('elision before a name', () => {
	it('follows the French sound of its first letters', () => {
		for (const name of ['Amina', 'élodie', 'Émile', 'Ines', 'Oscar', 'Ursula', 'Œdipe', 'Hélène', 'Hugo', 'Yves', 'Yvonne', '  Anne ']) {
			expect(elides(name), name).toBe(true);
		}
		for (const name of ['Bob', 'Chiara', 'Yann', 'Yasmine', 'Y', 'H', '42 rue', 'Ли', 'أمينة', '']) {
			expect(elides(name), name).toBe(false);
		}
	});

	it('gives every message with "de" before a name its elided French form, and leaves it and en alone', () => {
		try {
			overwriteGetLocale(() => 'fr');
			expect(m.decision_superseded_later({ ...named('Amina'), choice: 'Oui', date: '3 mars' })).toBe(
				"La main levée d'Amina (Oui) au décompte du 3 mars est remplacée par un décompte plus récent."
			);
			expect(m.decision_superseded_own({ ...named('Bob'), choice: 'Oui', date: '3 mars' })).toMatch(/^La main levée de Bob /);
			expect(m.decision_tally_raised(named('Hélène'))).toBe("Main levée d'Hélène");
			expect(m.decision_tally_reason(named('Yann'))).toBe('Raison de Yann');
			expect(m.money_dues_own(named('Ines'))).toBe("Cotisation d'Ines");
			expect(m.money_dues_record_payment_of(named('Ines'))).toBe("Enregistrer un paiement d'Ines");
			expect(m.money_dues_change_of(named('Omar'))).toBe("Changer le montant d'Omar à partir d'une date");
			expect(m.join_as(named('Amina'))).toBe("Vous le rejoindrez sous le nom d'Amina.");
			expect(m.decision_effect_booking({ resource: 'Atelier', elision: 'yes', to: 'Bob', start: '1', end: '2' })).toMatch(/^Réservation d'Atelier /);
			overwriteGetLocale(() => 'it');
			expect(m.decision_tally_raised(named('Amina'))).toBe('Mano alzata di Amina');
			overwriteGetLocale(() => 'en');
			expect(m.money_dues_own(named('Amina'))).toMatch(/Amina/);
		} finally {
			overwriteGetLocale(() => baseLocale);
		}
	});

	it('is chosen by every French message that puts « de » before a name', () => {
		// Placeholders that always start with a digit never elide: "de 12,00 €", "de 3".
		const numbers = new Set(['amount', 'required', 'count', 'limit', 'number', 'date', 'start', 'end', 'size']);
		const files = ['messages/fr.json', ...readdirSync('messages', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join('messages', d.name, 'fr.json'))];
		const unchosen: string[] = [];
		for (const file of files) {
			const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
			for (const [key, message] of Object.entries(messages)) {
				const text = JSON.stringify(message);
				const chooses = text.includes('elision=yes');
				for (const [, name] of text.matchAll(/\bde \{(\w+)\}/g)) {
					if (!numbers.has(name!) && !chooses) unchosen.push(`${file} ${key}: de {${name}}`);
				}
			}
		}
		expect(unchosen).toEqual([]);
	});
});
