import { afterEach, describe, expect, it } from 'vitest';
import { decisionNames } from '$lib/domain/decisions';
import { entry, fund } from '$lib/domain/money/testing';
import { transferFunds } from '$lib/domain/money';
import { assemblyPack } from '$lib/domain/reports';
import { newSpace } from '$lib/domain/space/testing';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { csvFormat } from '../money/export';
import { shownNames } from '../decisions/labels';
import { assemblyCsv, assemblyJson } from './assembly-export';

function collective() {
	const { doc, by } = newSpace();
	const box = fund(doc, by, { name: '=Caisse' });
	const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
	entry(doc, by, box, { date: '2026-01-05', amount: 123_456, category: 'donation' });
	entry(doc, by, box, { date: '2026-02-05', amount: 2_050, direction: 'out', category: 'purchase' });
	transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 10_000, date: '2026-02-10', note: '' }, by);
	return { doc, pack: assemblyPack(doc, '2026-01-01', '2026-03-31') };
}

describe('the assembly pack as files', () => {
	afterEach(() => overwriteGetLocale(() => baseLocale));

	it('writes each table with its title and header, numbers bare in the reader’s decimals, formulas defused', () => {
		const { doc, pack } = collective();
		overwriteGetLocale(() => 'fr');
		const csv = assemblyCsv(pack, 'Atelier', csvFormat('fr'), shownNames(decisionNames(doc)));
		const lines = csv.split('\r\n');
		expect(lines[0]).toMatch(/^"Dossier d'assemblée générale";"Atelier";"1 janv\. 2026";"31 mars 2026"$/);
		expect(lines).toContain('"Comptes"');
		expect(lines).toContain(`"'=Caisse";"EUR";"Don";1234,56;0,00;`);
		expect(lines).toContain(`"'=Caisse";"EUR";"Envoyé vers d'autres fonds du collectif";;100,00;`);
		expect(lines).toContain(`"'=Caisse";"EUR";"Solde à la fin";;;1114,06`);
		expect(lines).toContain('"Banque";"EUR";"Solde à la fin";;;100,00');
		// Every table is there, even empty, so a spreadsheet finds them in the same place each year.
		for (const title of ['"Budgets : prévu et dépensé"', '"Décisions prises"', '"Besoins et promesses"', '"Prêts et réservations"']) expect(lines).toContain(title);
	});

	it('uses commas and dots for an English reader', () => {
		const { doc, pack } = collective();
		overwriteGetLocale(() => 'en');
		const csv = assemblyCsv(pack, 'Atelier', csvFormat('en'), shownNames(decisionNames(doc)));
		expect(csv.split('\r\n')).toContain(`"'=Caisse","EUR","Closing balance",,,1114.06`);
	});

	it('gives tools the pack itself, in minor units', () => {
		const { pack } = collective();
		const data = JSON.parse(assemblyJson(pack, 'Atelier'));
		expect(data).toMatchObject({ format: 'passerelle-assembly', version: 1, collective: 'Atelier', from: '2026-01-01', to: '2026-03-31' });
		expect(data.funds.find((f: { name: string }) => f.name === '=Caisse')).toMatchObject({ opening: 0, received: 123_456, closing: 111_406 });
	});
});
