import { describe, expect, test } from 'vitest';
import { delegationSecret, hasDelegation, keepDelegation } from './delegation';

/** The part of Storage these functions use, in memory. */
function memoryStorage(): Storage {
	const items = new Map<string, string>();
	return {
		get length() {
			return items.size;
		},
		clear: () => items.clear(),
		getItem: (key) => items.get(key) ?? null,
		key: (index) => [...items.keys()][index] ?? null,
		removeItem: (key) => void items.delete(key),
		setItem: (key, value) => void items.set(key, value)
	};
}

const secret = 'm'.repeat(43);

describe('delegations kept on the device', () => {
	test('a member secret is kept per collective and federation, and only there', () => {
		const store = memoryStorage();
		expect(hasDelegation(store, 'collective-A')).toBe(false);
		keepDelegation(store, 'collective-A', 'federation-1', secret);
		keepDelegation(store, 'collective-A', 'federation-2', 's'.repeat(43));
		expect(delegationSecret(store, 'collective-A', 'federation-1')).toBe(secret);
		expect(delegationSecret(store, 'collective-A', 'federation-2')).toBe('s'.repeat(43));
		expect(delegationSecret(store, 'collective-B', 'federation-1')).toBeNull();
		expect(hasDelegation(store, 'collective-A')).toBe(true);
		expect(hasDelegation(store, 'collective-B')).toBe(false);
	});

	test('damaged storage reads as no delegation, and is replaced by the next one kept', () => {
		const store = memoryStorage();
		for (const damaged of ['{', '[]', '{"collective-A":{"federation-1":"short"}}', 'null']) {
			store.setItem('passerelle:federation-delegations', damaged);
			expect(delegationSecret(store, 'collective-A', 'federation-1')).toBeNull();
			expect(hasDelegation(store, 'collective-A')).toBe(false);
		}
		keepDelegation(store, 'collective-A', 'federation-1', secret);
		expect(delegationSecret(store, 'collective-A', 'federation-1')).toBe(secret);
	});
});
