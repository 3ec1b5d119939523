/**
 * The money pages as a person sees them, through roles and labels (French,
 * the reference language). Amounts are compared with every kind of space
 * made plain, since French puts a narrow no-break space before the euro sign.
 */
import type { Download, Locator, Page } from 'playwright-core';
import { elides } from '../../src/lib/ui/elision';

/** "de Bob", "d'Alice": as the French messages put it before a name. */
const deName = (name: string): string => (elides(name) ? `d'${name}` : `de ${name}`);

export const plain = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();

export class MoneyModel {
	constructor(readonly page: Page) {}

	async open(part: 'Fonds' | 'Écritures' | 'Cotisations' = 'Fonds'): Promise<void> {
		await this.page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Argent' }).click();
		await this.page.getByRole('navigation', { name: "Rubriques de l'argent" }).getByRole('link', { name: part }).click();
		await this.page.getByRole('heading', { level: 2, name: part }).waitFor();
	}

	async createFund(fields: { name: string; kind: string; currency?: string; lines?: { label: string; planned: string }[] }): Promise<void> {
		await this.page.getByRole('button', { name: 'Nouveau fonds' }).click();
		const form = this.page.getByRole('form', { name: 'Nouveau fonds' });
		await form.getByLabel('Nom', { exact: true }).fill(fields.name);
		await form.getByLabel('Type').selectOption({ label: fields.kind });
		if (fields.currency) await form.getByLabel('Monnaie').fill(fields.currency);
		for (const [i, line] of (fields.lines ?? []).entries()) {
			await form.getByRole('button', { name: 'Ajouter un poste' }).click();
			await form.getByLabel(`Poste ${i + 1}`, { exact: true }).fill(line.label);
			await form.getByLabel('Prévu', { exact: false }).nth(i).fill(line.planned);
		}
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await this.page.getByRole('heading', { level: 2, name: fields.name }).waitFor();
	}

	fund(name: string): Locator {
		return this.page.getByRole('article', { name, exact: true });
	}

	async fundBalance(name: string): Promise<string> {
		return plain(await this.fund(name).locator('.amount').first().textContent());
	}

	entries(): Locator {
		return this.page.getByRole('list').last().getByRole('article');
	}

	/** An entry card by the words of its label: "Sortie −4,50 €, Caisse, …". */
	entry(pattern: RegExp): Locator {
		return this.page.getByRole('article', { name: pattern });
	}

	async addEntry(fields: {
		direction: 'Entrée' | 'Sortie';
		amount: string;
		category: string;
		fund?: string;
		outside?: string;
		member?: string;
		note?: string;
	}): Promise<void> {
		await this.page.getByRole('button', { name: 'Nouvelle écriture' }).click();
		const form = this.page.getByRole('form', { name: 'Nouvelle écriture' });
		if (fields.fund) await form.getByLabel('Fonds').selectOption({ label: fields.fund });
		await form.getByRole('radio', { name: new RegExp(`^${fields.direction}`) }).check();
		await form.getByLabel('Montant').fill(fields.amount);
		await form.getByLabel('Catégorie').selectOption({ label: fields.category });
		if (fields.outside) {
			await form.getByRole('radio', { name: "Quelqu'un d'extérieur" }).check();
			await form.getByLabel("Nom de la personne ou de l'organisation").fill(fields.outside);
		} else if (fields.member) {
			await form.getByRole('radio', { name: 'Un membre' }).check();
			await form.getByRole('combobox', { name: /^Membre/ }).selectOption({ label: fields.member });
		}
		if (fields.note) await form.getByLabel('Note').fill(fields.note);
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await this.page.getByRole('status').getByText('Écriture enregistrée.').waitFor();
	}

	async setDefaultDues(fields: { amount: string; period: string; start: string }): Promise<void> {
		await this.page.getByRole('button', { name: 'Fixer la cotisation de base' }).click();
		const form = this.page.getByRole('form', { name: 'Cotisation de base' });
		await form.getByLabel('Montant par période').fill(fields.amount);
		await form.getByLabel('Périodicité').selectOption({ label: fields.period });
		await form.getByLabel('À partir du').fill(fields.start);
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await this.page.getByRole('status').getByText('Cotisation enregistrée.').waitFor();
	}

	duesOf(name: string): Locator {
		return this.page.getByRole('article', { name, exact: true });
	}

	/** Records a payment from a member's card; the form suggests what is owed. */
	async recordDuesPayment(name: string, amount?: string): Promise<void> {
		await this.duesOf(name).getByRole('button', { name: `Enregistrer un paiement ${deName(name)}` }).click();
		const form = this.page.getByRole('form', { name: 'Paiement de cotisation' });
		if (amount) await form.getByLabel('Montant').fill(amount);
		await form.getByRole('button', { name: 'Enregistrer le paiement' }).click();
		await this.page.getByRole('status').getByText('Paiement enregistré').waitFor();
	}

	/** Changes an entry's note from its page; the old value goes to the entry's history. */
	async editNote(entry: Locator, note: string): Promise<void> {
		await entry.getByRole('link').first().click();
		await this.page.getByRole('button', { name: "Modifier l'écriture" }).click();
		const form = this.page.getByRole('form', { name: "Modifier l'écriture" });
		await form.getByLabel('Note').fill(note);
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await this.page.getByRole('region', { name: 'Historique des modifications' }).getByRole('listitem').first().waitFor();
	}

	async reverse(entry: Locator, reason: string): Promise<void> {
		await entry.getByRole('link').first().click();
		await this.page.getByRole('button', { name: "Annuler l'écriture" }).click();
		const form = this.page.getByRole('form', { name: "Annuler l'écriture" });
		await form.getByLabel("Raison de l'annulation").fill(reason);
		await form.getByRole('button', { name: "Confirmer l'annulation" }).click();
		await this.page.getByRole('link', { name: /^Annulée le/ }).waitFor();
	}

	/** Clicks the export button and returns the file's name and text. */
	async exportCsv(): Promise<{ name: string; text: string }> {
		const [download] = await Promise.all([
			this.page.waitForEvent('download'),
			this.page.getByRole('button', { name: 'Exporter en CSV' }).click()
		]);
		return { name: download.suggestedFilename(), text: await readDownload(download) };
	}
}

async function readDownload(download: Download): Promise<string> {
	const stream = await download.createReadStream();
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}
