import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openAddresses } from './addresses.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
	address,
	netmask: '255.255.255.0',
	family: 'IPv4',
	mac: '00:00:00:00:00:00',
	internal,
	cidr: null
});

describe('the addresses printed at start-up', () => {
	it('names the bound host when there is one', () => {
		expect(openAddresses('127.0.0.1', 8080)).toEqual(['http://127.0.0.1:8080/']);
		expect(openAddresses('::1', 9000)).toEqual(['http://[::1]:9000/']);
	});

	it('names localhost and every external IPv4 address when bound to all interfaces', () => {
		const interfaces = { lo: [v4('127.0.0.1', true)], wlan0: [v4('192.168.1.20')], eth0: [v4('10.0.0.5')] };
		expect(openAddresses('0.0.0.0', 8080, interfaces)).toEqual([
			'http://localhost:8080/',
			'http://192.168.1.20:8080/',
			'http://10.0.0.5:8080/'
		]);
		expect(openAddresses('::', 80, {})).toEqual(['http://localhost:80/']);
	});
});
