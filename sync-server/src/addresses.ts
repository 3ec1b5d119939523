// The addresses a person can open to reach this relay's app, for the start-up log.
import type { NetworkInterfaceInfo } from 'node:os';

const ANY_HOST = new Set(['', '0.0.0.0', '::', '[::]']);

function hostPart(host: string): string {
	return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * `host` and `port` as bound. Listening on every interface, this machine is reachable as
 * localhost and, from phones on the same network, at each of its external IPv4 addresses.
 */
export function openAddresses(
	host: string,
	port: number,
	interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = {}
): string[] {
	if (!ANY_HOST.has(host)) return [`http://${hostPart(host)}:${port}/`];
	const external = Object.values(interfaces)
		.flatMap((list) => list ?? [])
		.filter((address) => address.family === 'IPv4' && !address.internal)
		.map((address) => `http://${address.address}:${port}/`);
	return [`http://localhost:${port}/`, ...new Set(external)];
}
