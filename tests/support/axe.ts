/** axe-core run in the page: the serious and critical accessibility violations, by rule and count. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Evaluated rather than added as a <script>: the app's policy refuses inline scripts,
// and evaluation from the test runs outside the page's policy.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
	id: string;
	impact: string | null;
	nodes: { target: unknown }[];
}

export async function seriousViolations(page: Page): Promise<string[]> {
	await page.evaluate(axeSource);
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
		return (await axe.run()).violations;
	});
	return violations
		.filter((v) => v.impact === 'critical' || v.impact === 'serious')
		.map((v) => `${v.id} (${v.nodes.length}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))})`);
}

/** How many pixels the page is wider than the window: 0 when nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
