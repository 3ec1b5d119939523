/**
 * The last write offered for undo when its form leads to another page (a new
 * need opens the need's page): the space's layout shows it, so the notice
 * follows the person there. Forms that stay on their page keep their own.
 */
import type { LastWrite } from '../ui/undo';

class Offer {
	current = $state<(LastWrite & { spaceId: string }) | null>(null);

	/** Offers `write` for undo in space `spaceId`, replacing any earlier offer. */
	offer(spaceId: string, write: LastWrite): void {
		this.current = { ...write, spaceId };
	}

	clear(): void {
		this.current = null;
	}
}

export const lastWrite = new Offer();
