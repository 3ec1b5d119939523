/**
 * Convergence is not consistency, in the browser: two phones cut off from the
 * relay both confirm the same room for overlapping slots. Once they reconnect
 * both show the same conflict, and resolving it on one clears it on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CuttableLink } from '../support/cuttable-link';
import type { AppModel } from './app-model';
import { TwoPhones } from './two-phones';

function localInput(day: Date, hour: number): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}T${pad(hour)}:00`;
}

async function book(page: Page, start: string, end: string): Promise<void> {
	await page.getByRole('link', { name: 'Réservations' }).click();
	const form = page.getByRole('form', { name: 'Réserver ou prêter' });
	await form.getByLabel('Début').fill(start);
	await form.getByLabel('Fin').fill(end);
	await form.getByRole('button', { name: 'Demander' }).click();
	await page.getByRole('button', { name: 'Confirmer', exact: true }).click();
	await page.locator('.booking[data-status="confirmed"]').waitFor();
}

describe('a room booked twice offline', () => {
	let phones: TwoPhones;
	let links: CuttableLink[];
	let a: AppModel;
	let b: AppModel;

	beforeAll(async () => {
		phones = await TwoPhones.open();
		({ links, a, b } = phones);
	});

	afterAll(async () => {
		await phones?.close();
	});

	const cutOff = (i: number) => phones.cutOff(i);
	const reconnect = (i: number) => phones.reconnect(i);

	it('shows the same conflict on both phones after the merge, and clears it on both', async () => {
		await a.page.goto(`${links[0]!.origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Maison du peuple');
		await a.addResource({ kind: 'Local, salle', name: 'Grande salle' });
		await a.waitSynced();
		// Each phone goes through its own link to the same relay, so each can be cut alone.
		const invite = (await a.inviteLink()).replaceAll(String(links[0]!.port), String(links[1]!.port));
		await b.page.goto(invite);
		await b.page.getByLabel('Votre nom').fill('Bachir');
		await b.page.getByRole('button', { name: 'Rejoindre' }).click();
		await b.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await b.resource('Grande salle').waitFor();
		for (const app of [a, b]) {
			await app.waitSynced();
			await app.waitControlledByServiceWorker();
		}

		await cutOff(0);
		await cutOff(1);
		await a.waitOffline();
		await b.waitOffline();
		const day = new Date(Date.now() + 2 * 86_400_000);
		await book(a.page, localInput(day, 10), localInput(day, 12));
		await book(b.page, localInput(day, 11), localInput(day, 13));
		for (const app of [a, b]) {
			await app.page.getByRole('link', { name: 'Conflits', exact: true }).click();
			await app.page.getByTestId('no-conflicts').waitFor();
		}

		await reconnect(0);
		await reconnect(1);
		for (const app of [a, b]) {
			await app.waitSynced();
			await app.page.getByRole('link', { name: 'Conflits (1)' }).waitFor();
			const conflict = app.page.locator('.conflict[data-kind="booking_overlap"]');
			await conflict.waitFor();
			await expect.poll(() => conflict.locator('.booking[data-status="confirmed"]').count()).toBe(2);
		}

		// Bachir gives way: one cancellation on one phone resolves it everywhere.
		await b.page.locator('.conflict .booking', { hasText: 'Pour Bachir' }).getByRole('button', { name: 'Annuler la réservation' }).click();
		for (const app of [a, b]) {
			await app.page.getByTestId('no-conflicts').waitFor();
			await app.page.getByRole('link', { name: 'Conflits', exact: true }).waitFor();
		}
		await a.page.getByRole('link', { name: 'Historique' }).click();
		await a.page.locator('[data-action="booking.cancelled"]', { hasText: 'Bachir' }).waitFor();
	});
});
