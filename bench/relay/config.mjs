// The load and the sizes of the relay benchmark, in one place to tune.
export const CONFIG = {
	rooms: 20,
	clientsPerRoom: 5,
	rampRates: [200, 500, 1000, 2000, 3000, 4000, 6000, 8000],
	stepMs: 5000,
	drainMs: 2000,
	p99LimitMs: 100,
	minDelivered: 0.95,
	fixedRate: 500,
	fixedMs: 10_000,
	fixedRounds: 3,
	fixedWarmUpMs: 5000,
	warmupMs: 1000,
	syncEntries: 10_000,
	syncTransactions: 100,
	syncRuns: 5,
	syncWarmUps: 3,
	// Phones rejoining rooms just written (the Wi-Fi is back): rooms of syncEntries each,
	// joined one at a time, then many at once after one more edit per room.
	rejoinRooms: 20,
	rejoinOneByOne: 40,
	rejoinBurst: 50,
	// All of them connected at once from one address: our relay allows 200 by default.
	memoryRooms: 180,
	memoryEntries: 1000,
	memoryTransactions: 10,
	memoryConcurrency: 20,
	memoryIdleUnloadMs: 10_000
};
