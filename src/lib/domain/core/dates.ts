/** Calendar dates as the domain stores them: YYYY-MM-DD strings. */

/** Today's date in the device's time zone, as YYYY-MM-DD. */
export function localDate(at = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}
