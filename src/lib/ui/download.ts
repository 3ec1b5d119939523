/**
 * Hands a text file to the browser as a download. Everything happens on the
 * device, so an export works with no network at all.
 */
export function downloadText(filename: string, text: string, type: string): void {
	downloadParts(filename, [text], type);
}

/** The same for a file already in parts (text, or bytes made elsewhere), joined by the browser without a copy here. */
export function downloadParts(filename: string, parts: BlobPart[], type: string): void {
	const url = URL.createObjectURL(new Blob(parts, { type }));
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

/** A file name from free text: lower case, ASCII letters, digits and dashes. */
export function fileSlug(text: string): string {
	return (
		text
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 40) || 'passerelle'
	);
}
