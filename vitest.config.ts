import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three runners: domain logic in Node, the relay over real sockets, and the
// built app in a real Chromium. Each is also runnable alone (npm run test:…).
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'sync-server/src/**/*.test.ts', 'scripts/**/*.test.ts'],
					environment: 'node'
				},
				// The translated sentences of the UI modules are tested in Node too, and the sync code
				// reads the relay's wire constants as the app build does.
				resolve: {
					alias: {
						$lib: fileURLToPath(new URL('./src/lib', import.meta.url)),
						$wire: fileURLToPath(new URL('./sync-server/src/protocol/wire.ts', import.meta.url))
					}
				}
			},
			{
				test: {
					name: 'relay',
					include: ['tests/relay/**/*.test.ts'],
					environment: 'node',
					testTimeout: 30_000,
					hookTimeout: 30_000
				}
			},
			{
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 120_000,
					expect: { poll: { timeout: 15_000, interval: 100 } },
					fileParallelism: false
				}
			}
		]
	}
});
