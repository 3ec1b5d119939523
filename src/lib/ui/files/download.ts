/**
 * Hands a file to the browser as a download. It is written on the device, so
 * an export works with no network at all.
 */
export function downloadBytes(filename: string, bytes: Uint8Array<ArrayBuffer>): void {
	const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
	const link = document.createElement('a');
	link.href = url;
	link.download = filename;
	link.rel = 'noopener';
	document.body.append(link);
	link.click();
	link.remove();
	// Revoked a moment later: some browsers read the blob after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
