/**
 * The money of a collective, end to end on a phone: a cash box, dues that two
 * members owe and a change of their amount from a date on, a payment and a
 * purchase, balances and who is late, a mistaken purchase reversed with both
 * entries kept, and the ledger exported as CSV for the general assembly.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { ROOT, requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { MoneyModel, plain } from './money-model';

const NOBODY_LATE = "Personne n'est en retard.";

/** Today on the test machine, as the app's date inputs default to it. */
function today(): string {
	const now = new Date();
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The cells of one CSV row (RFC 4180), unquoted. */
function cells(row: string, separator = ','): string[] {
	const out: string[] = [];
	let i = 0;
	for (;;) {
		let cell = '';
		if (row[i] === '"') {
			for (i++; i < row.length; i++) {
				if (row[i] === '"' && row[i + 1] === '"') cell += row[i++];
				else if (row[i] === '"') break;
				else cell += row[i];
			}
			i++;
		} else {
			const end = row.indexOf(separator, i);
			const stop = end === -1 ? row.length : end;
			cell = row.slice(i, stop);
			i = stop;
		}
		out.push(cell);
		if (row[i] !== separator) return out;
		i++;
	}
}

async function joinAs(page: Page, link: string, name: string): Promise<void> {
	await page.goto(link);
	await page.getByLabel('Votre nom').fill(name);
	await page.getByRole('button', { name: 'Rejoindre' }).click();
	await page.waitForURL(/\/s\//);
}

describe('money: funds, dues, ledger and export', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let app: AppModel;
	let money: MoneyModel;

	beforeAll(async () => {
		requireAppBuild();
		// STATIC_DIR serves another copy of the built app (a relay built elsewhere serves its own folder otherwise).
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] ?? join(ROOT, 'build') });
		browser = await launchBrowser();
		const page = await (await newDevice(browser, 'fr-FR')).newPage();
		app = new AppModel(page);
		money = new MoneyModel(page);
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('creates a cash box and a budget with its lines', async () => {
		await app.page.goto(`http://127.0.0.1:${relay.port}/`);
		await app.chooseName('Alice');
		await app.createCollective('Atelier');
		await money.open('Fonds');
		await app.page.getByText('Aucun fonds pour').waitFor();

		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		await app.page.getByRole('link', { name: '← Fonds' }).click();
		expect(await money.fundBalance('Caisse')).toBe('0,00 €');

		await money.createFund({ name: 'Fête de quartier', kind: 'Budget', lines: [{ label: 'Boissons', planned: '120' }, { label: 'Affiches', planned: '30,50' }] });
		const budget = app.page.getByRole('region', { name: 'Budget : prévu et dépensé' });
		await budget.getByText('Boissons').waitFor();
		expect(plain(await budget.textContent())).toContain('0,00 € dépensés sur 30,50 €');
		await app.page.getByRole('link', { name: '← Fonds' }).click();
		expect(plain(await app.page.getByRole('term').filter({ hasText: 'Total en EUR' }).locator('xpath=..').textContent())).toContain('0,00 €');
	});

	it('sets dues and shows who is up to date and who owes this period, without calling a new member late', async () => {
		const bobPage = await (await newDevice(browser, 'fr-FR')).newPage();
		const link = await app.inviteLink();
		await joinAs(bobPage, link, 'Bob');
		await app.page.getByText('Bob').first().waitFor();

		await money.open('Cotisations');
		await money.setDefaultDues({ amount: '10', period: 'Mensuelle', start: today() });
		expect(plain(await app.page.getByTestId('dues-default').textContent())).toMatch(/^10,00 € par mois, depuis le/);
		// Set again by mistake, then taken back: the earlier amount comes back.
		await app.page.getByRole('region', { name: 'Cotisation de base' }).getByRole('button', { name: 'Modifier' }).click();
		const duesForm = app.page.getByRole('form', { name: 'Cotisation de base' });
		await duesForm.getByLabel('Montant par période').fill('100');
		await duesForm.getByRole('button', { name: 'Enregistrer' }).click();
		expect(plain(await app.page.getByTestId('dues-default').textContent())).toMatch(/^100,00 € par mois/);
		await app.page.locator('.undo[role="status"]').getByRole('button', { name: 'Annuler' }).click();
		await expect.poll(async () => plain(await app.page.getByTestId('dues-default').textContent())).toMatch(/^10,00 € par mois, depuis le/);
		// Both joined today: this month's dues are owed, not late.
		await expect.poll(async () => plain(await money.duesOf('Bob').textContent())).toContain('À régler pour la période en cours : 10,00 €');
		expect(plain(await money.duesOf('Alice').textContent())).toContain('À régler pour la période en cours : 10,00 €');

		await money.recordDuesPayment('Alice');
		await expect.poll(async () => plain(await money.duesOf('Alice').textContent())).toContain('À jour');
		expect(plain(await money.duesOf('Alice').textContent())).toContain('Payé 10,00 € sur 10,00 € attendus');
		expect(plain(await money.duesOf('Bob').textContent())).toContain('À régler pour la période en cours : 10,00 €');
		expect(plain(await app.page.getByText(NOBODY_LATE).textContent())).toBe(NOBODY_LATE);
		await bobPage.context().close();
	});

	it('changes the dues amount from a date on, refuses a date at the start, and takes the change back', async () => {
		const card = app.page.getByRole('region', { name: 'Cotisation de base' });
		await card.getByRole('button', { name: "Changer le montant à partir d'une date" }).click();
		const form = card.getByRole('form', { name: "Changer le montant à partir d'une date" });
		// The form suggests the next period's start; a date at the start itself is refused.
		const suggested = await form.getByLabel('À partir du').inputValue();
		expect(suggested > today()).toBe(true);
		await form.getByLabel('Nouveau montant').fill('12');
		await form.getByLabel('À partir du').fill(today());
		await form.getByRole('button', { name: 'Enregistrer le changement' }).click();
		expect(await form.getByRole('alert').textContent()).toContain('La date doit venir après le début de la cotisation');
		await form.getByLabel('À partir du').fill(suggested);
		await form.getByRole('button', { name: 'Enregistrer le changement' }).click();
		await app.page.getByRole('status').getByText('Changement de montant enregistré.').waitFor();
		expect(plain(await card.textContent())).toMatch(/12,00 € par mois à partir du/);
		// Members see what is coming; what they owe now is unchanged.
		expect(plain(await money.duesOf('Bob').textContent())).toMatch(/12,00 € par mois à partir du/);
		expect(plain(await money.duesOf('Bob').textContent())).toContain('À régler pour la période en cours : 10,00 €');
		expect(plain(await money.duesOf('Alice').textContent())).toContain('À jour');
		expect(plain(await money.duesOf('Alice').textContent())).toMatch(/Prochaine échéance le .+ : 12,00 €/);

		await card.getByRole('button', { name: /^Retirer le changement du/ }).click();
		await expect.poll(async () => plain(await card.textContent())).not.toMatch(/à partir du/);
		expect(plain(await money.duesOf('Bob').textContent())).not.toMatch(/à partir du/);
	});

	it('refuses an unreadable amount, records a purchase and derives the balance', async () => {
		await money.open('Écritures');
		await app.page.getByRole('button', { name: 'Nouvelle écriture' }).click();
		const form = app.page.getByRole('form', { name: 'Nouvelle écriture' });
		await form.getByLabel('Fonds').selectOption({ label: 'Caisse (Caisse, EUR)' });
		await form.getByLabel('Montant').fill('4,5,0');
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		expect(await form.getByRole('alert').textContent()).toContain('Montant illisible');
		await form.getByRole('button', { name: 'Annuler' }).click();

		await money.addEntry({ fund: 'Caisse (Caisse, EUR)', direction: 'Sortie', amount: '4,50', category: 'Achat', outside: 'Boulangerie', note: 'Pain' });
		const purchase = money.entry(/^Sortie −4,50\s€, Caisse/);
		await purchase.waitFor();
		expect(plain(await purchase.textContent())).toContain('À : Boulangerie');
		expect(plain(await purchase.textContent())).toContain('Enregistrée par Alice');
		await money.entry(/^Entrée \+10,00\s€, Caisse/).waitFor();

		await money.open('Fonds');
		expect(await money.fundBalance('Caisse')).toBe('5,50 €');
	});

	it('edits a purchase note and keeps the previous value in its history', async () => {
		await money.open('Écritures');
		await money.editNote(money.entry(/^Sortie −4,50\s€, Caisse/), 'Pain et farine');
		const history = app.page.getByRole('region', { name: 'Historique des modifications' });
		expect(plain(await history.textContent())).toContain('Note : Pain → Pain et farine');
		expect(plain(await history.textContent())).toContain('Alice, le');
		expect(plain(await app.page.getByRole('article').first().textContent())).toContain('Pain et farine');
		// A second edit, by mistake, is taken back: the note comes back, and the history keeps both edits.
		await app.page.getByRole('button', { name: "Modifier l'écriture" }).click();
		const form = app.page.getByRole('form', { name: "Modifier l'écriture" });
		await form.getByLabel('Note').fill('Oups');
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		const notice = app.page.locator('.undo[role="status"]');
		expect(plain(await notice.textContent())).toContain('Écriture modifiée.');
		await notice.getByRole('button', { name: 'Annuler' }).click();
		await notice.waitFor({ state: 'detached' });
		await expect.poll(async () => plain(await app.page.getByRole('article').first().textContent())).toContain('Pain et farine');
		expect(plain(await history.textContent())).toContain('Note : Oups → Pain et farine');
	});

	it('reverses the purchase: the balance comes back and both entries stay visible', async () => {
		await money.open('Écritures');
		await money.reverse(money.entry(/^Sortie −4,50\s€, Caisse/), 'Payé deux fois');
		expect(plain(await app.page.getByRole('article').first().textContent())).toContain('Payé deux fois');

		await money.open('Écritures');
		const original = money.entry(/^Sortie −4,50\s€, Caisse/);
		const reversal = money.entry(/^Entrée \+4,50\s€, Caisse/);
		await reversal.waitFor();
		expect(plain(await original.textContent())).toMatch(/annulée Annulée le .* — Payé deux fois/);
		expect(plain(await reversal.textContent())).toMatch(/annulation Annule l'écriture du/);
		expect(plain(await app.page.getByText(/^\d+ écritures?$/).textContent())).toBe('3 écritures');

		await money.open('Fonds');
		expect(await money.fundBalance('Caisse')).toBe('10,00 €');
	});

	it('exports the ledger as a CSV a French spreadsheet reads, with the filter applied, and as JSON', async () => {
		await money.open('Écritures');
		const all = await money.exportCsv();
		expect(all.name).toMatch(/^atelier-ecritures-\d{4}-\d{2}-\d{2}\.csv$/);
		// The byte order mark: a spreadsheet reads the accents as UTF-8.
		expect(all.text.startsWith('\uFEFF')).toBe(true);
		const rows = all.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
		// Semicolons, every text cell quoted; the amount alone is a bare number with a decimal comma.
		expect(rows[0]).toBe(
			'"Date";"Fonds";"Sens";"Montant";"Monnaie";"Catégorie";"De qui, à qui";"Note";"Poste du budget";"Besoin";"Décision";"Virement avec le fonds";"Identifiant";"Annule";"Annulée par";"Enregistrée le";"Enregistrée par"'
		);
		expect(rows).toHaveLength(4);
		const [year, month, day] = today().split('-');
		const localDay = `${day}/${month}/${year}`;
		expect(rows[1]).toMatch(/^"\d{2}\/\d{2}\/\d{4}";"Caisse";"(Entrée|Sortie)";\d+,\d{2};"EUR";/);
		const parsed = rows.slice(1).map((row) => cells(row, ';'));
		const purchase = parsed.find((r) => r[2] === 'Sortie')!;
		const reversal = parsed.find((r) => r[2] === 'Entrée' && r[13] !== '')!;
		// The sign is given once, by the direction: no amount carries a minus.
		expect(parsed.map((r) => r[3]).sort()).toEqual(['10,00', '4,50', '4,50']);
		expect(purchase.slice(0, 8)).toEqual([localDay, 'Caisse', 'Sortie', '4,50', 'EUR', 'Achat', 'Boulangerie', 'Pain et farine']);
		expect(purchase[15]).toMatch(new RegExp(`^${localDay.replace(/\//g, '\\/')} \\d{2}:\\d{2}$`));
		expect(reversal[13]).toBe(purchase[12]);
		expect(purchase[14]).toBe(reversal[12]);
		expect(parsed.find((r) => r[3] === '10,00')!.slice(5, 7)).toEqual(['Cotisation', 'Alice']);

		await app.page.getByText('Filtres').click();
		await app.page.getByLabel('Catégorie').selectOption({ label: 'Cotisation' });
		await expect.poll(async () => plain(await app.page.getByText(/^\d+ écritures?$/).textContent())).toBe('1 écriture');
		expect(app.page.url()).toContain('category=dues');
		const dues = await money.exportCsv();
		expect(dues.text.trimEnd().split('\r\n')).toHaveLength(2);

		// The same entries for tools: codes, ISO dates and minor units.
		const [download] = await Promise.all([
			app.page.waitForEvent('download'),
			app.page.getByRole('button', { name: 'Exporter en JSON (pour les outils)' }).click()
		]);
		expect(download.suggestedFilename()).toMatch(/\.json$/);
		const stream = await download.createReadStream();
		const chunks: Buffer[] = [];
		for await (const chunk of stream) chunks.push(chunk as Buffer);
		const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { entries: { category: string; amount: number; date: string; direction: string }[] };
		expect(json.entries).toEqual([expect.objectContaining({ category: 'dues', amount: 1000, date: today(), direction: 'in' })]);
	});
});
