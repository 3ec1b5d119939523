/**
 * Asking for a slot, on a phone: a slot that meets another booking is said
 * when it is requested, naming that booking; a slot already over is asked
 * about and then listed under the past; a resource's day and week show what
 * takes it and when it is free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newDevice } from '../support/browser';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { plain } from './decisions-model';

function localInput(day: Date, hour: number): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T${pad(hour)}:00`;
}

function dayFromToday(days: number): Date {
	const today = new Date();
	return new Date(today.getFullYear(), today.getMonth(), today.getDate() + days);
}

async function fillSlot(page: Page, start: string, end: string, collective?: string): Promise<void> {
	const form = page.getByRole('form', { name: 'Réserver ou prêter' });
	await form.getByLabel('Début').fill(start);
	await form.getByLabel('Fin').fill(end);
	if (collective) {
		await form.getByRole('radio', { name: 'Un autre collectif' }).check();
		await form.getByLabel('Nom du collectif').fill(collective);
	}
	await form.getByRole('button', { name: 'Demander' }).click();
}

describe('a booking requested', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let a: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: process.env['STATIC_DIR'] });
		browser = await launchBrowser();
		a = new AppModel(await (await newDevice(browser, 'fr-FR')).newPage());
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('over another says which one, in the past goes under the past, and the week shows what is taken', async () => {
		const page = a.page;
		await page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Maison du peuple');
		await a.addResource({ kind: 'Local, salle', name: 'Grande salle' });
		await page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Réservations' }).click();
		const form = page.getByRole('form', { name: 'Réserver ou prêter' });
		const bookings = page.locator('.booking');
		const tomorrow = dayFromToday(1);

		await fillSlot(page, localInput(tomorrow, 18), localInput(tomorrow, 20));
		await page.getByRole('button', { name: 'Confirmer', exact: true }).click();
		await page.locator('.booking[data-status="confirmed"]').waitFor();

		// The second request meets the first: said at once, naming it, and nothing is written yet.
		await fillSlot(page, localInput(tomorrow, 19), localInput(tomorrow, 21), 'Chorale');
		const alert = form.getByRole('alert');
		await alert.waitFor();
		const said = plain(await alert.textContent());
		expect(said).toContain('Ce créneau chevauche');
		expect(said).toContain('18:00');
		expect(said).toContain('pour Alice (confirmée)');
		expect(await bookings.count()).toBe(1);
		// Asked once: the same slot again is requested.
		await form.getByRole('button', { name: 'Demander' }).click();
		await expect.poll(() => bookings.count()).toBe(2);
		await alert.waitFor({ state: 'detached' });

		// A slot already over is asked about, then kept under the past, not among the bookings to come.
		const yesterday = dayFromToday(-1);
		await fillSlot(page, localInput(yesterday, 10), localInput(yesterday, 12), 'Prêt oublié');
		await alert.waitFor();
		expect(plain(await alert.textContent())).toContain('déjà passé');
		await form.getByRole('button', { name: 'Demander' }).click();
		await alert.waitFor({ state: 'detached' });
		expect(await bookings.count()).toBe(2);
		expect(await page.locator('.booking', { hasText: 'Prêt oublié' }).count()).toBe(0);
		await page.getByRole('radio', { name: 'Passées' }).check();
		await page.locator('.booking', { hasText: 'Prêt oublié' }).waitFor();
		expect(await bookings.count()).toBe(1);
		await page.getByRole('radio', { name: 'À venir' }).check();
		await expect.poll(() => bookings.count()).toBe(2);

		// The resource's day, then its week: what takes it and the free days.
		const availability = page.getByRole('region', { name: 'Disponibilité' });
		await availability.getByText('Libre toute la journée').waitFor();
		await availability.getByRole('button', { name: 'Suivant' }).click();
		await expect.poll(async () => availability.locator('.day li').count()).toBe(2);
		const day = plain(await availability.locator('.day').first().textContent());
		expect(day).toContain('Alice · Confirmée');
		expect(day).toContain('Chorale · Demandée');
		await availability.getByRole('button', { name: "Aujourd'hui" }).click();
		await availability.getByRole('radio', { name: 'Une semaine' }).check();
		await expect.poll(async () => availability.locator('.day').count()).toBe(7);
		expect(await availability.getByText('Libre toute la journée').count()).toBe(6);

		expect(await seriousViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBe(0);
	});
});
