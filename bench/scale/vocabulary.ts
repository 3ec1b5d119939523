/** The words and figures a generated collective is written with: French names, things, places, and small helpers for dates and shares. */
import * as prng from 'lib0/prng';
import type { ResourceKind } from '../../src/lib/domain/core';
import type { NeedKind } from '../../src/lib/domain/needs';

export const FIRST_NAMES = ['Camille', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Manon', 'Théo', 'Inès', 'Jules', 'Zoé', 'Louis', 'Emma', 'Nathan', 'Sarah', 'Mathis', 'Jeanne', 'Yanis', 'Louise', 'Gabriel', 'Rose', 'Aurélien', 'Maëlle', 'Rémi', 'Élodie', 'Karim', 'Fatou', 'Mehdi', 'Nadia', 'Bastien', 'Anaïs'];
export const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Benali', 'Diallo', 'Nguyen'];

export const THINGS: Record<ResourceKind, { names: string[]; units: string[] }> = {
	room: { names: ['Salle de réunion', 'Atelier bois', 'Cuisine collective', 'Salle polyvalente', 'Bureau partagé', 'Grenier', 'Local vélo', 'Chambre d’amis'], units: ['m²', ''] },
	equipment: { names: ['Perceuse', 'Scie circulaire', 'Visseuse', 'Ponceuse', 'Escabeau', 'Vidéoprojecteur', 'Sono portable', 'Tronçonneuse', 'Bétonnière', 'Marmite 50 L', 'Groupe électrogène', 'Machine à coudre', 'Table pliante', 'Barnum 3×6', 'Compresseur'], units: ['pièces', ''] },
	vehicle: { names: ['Camionnette', 'Vélo cargo', 'Remorque', 'Utilitaire 12 m³', 'Triporteur'], units: [''] },
	food: { names: ['Farine de blé', 'Riz complet', 'Lentilles vertes', 'Pois chiches', 'Huile d’olive', 'Pâtes', 'Sucre', 'Conserves de tomates', 'Café', 'Lait UHT', 'Pommes de terre', 'Oignons', 'Confiture'], units: ['kg', 'L', 'boîtes', 'sacs'] },
	fund: { names: ['Tirelire de la fête', 'Caisse de solidarité', 'Cagnotte du local'], units: ['€'] },
	skill: { names: ['Soudure', 'Comptabilité', 'Plomberie', 'Électricité', 'Traduction', 'Cuisine pour 80', 'Graphisme', 'Secourisme'], units: ['h'] },
	other: { names: ['Livres', 'Jeux de société', 'Vêtements', 'Couvertures', 'Matelas', 'Chaises', 'Vaisselle'], units: ['cartons', 'pièces', ''] }
};
export const KIND_WEIGHTS: [ResourceKind, number][] = [['equipment', 35], ['food', 30], ['other', 15], ['room', 6], ['skill', 7], ['vehicle', 4]];
export const PLACES = ['Atelier', 'Cave', 'Entrepôt B', 'Cuisine', 'Garage', 'Hangar nord', 'Bureau', 'Chez Camille', 'Local rue des Lilas', 'Grenier'];
export const SHOPS = ['Biocoop', 'Leroy Merlin', 'EDF', 'La Poste', 'Crédit Coopératif', 'Boulangerie du coin', 'Quincaillerie Martin', 'Mairie', 'Imprimerie Rouge', 'Emmaüs', 'Marché de gros'];
export const PURCHASES = ['Facture d’électricité', 'Outillage', 'Peinture', 'Courses pour la cantine', 'Loyer du local', 'Assurance', 'Impression des tracts', 'Frais bancaires', 'Carburant', 'Réparation camionnette'];
export const INCOMES = ['Buvette de la fête', 'Don anonyme', 'Vente de soutien', 'Subvention municipale', 'Concert de soutien', 'Prix libre cantine'];
export const NEEDS: Record<NeedKind, { titles: string[]; units: string[] }> = {
	money: { titles: ['Caisse de grève', 'Nouvelle chaudière', 'Frais d’avocat', 'Achat d’un camion', 'Toiture de l’atelier', 'Loyer de l’hiver'], units: ['EUR'] },
	goods: { titles: ['Farine pour la cantine', 'Palettes pour la scène', 'Couvertures pour l’hiver', 'Peinture pour la façade', 'Vis et chevilles'], units: ['kg', 'pièces', 'L'] },
	time: { titles: ['Permanence du samedi', 'Chantier collectif', 'Cuisine pour la fête', 'Tractage au marché', 'Garde des enfants'], units: ['h'] },
	space: { titles: ['Stockage de meubles', 'Salle pour l’AG', 'Hébergement solidaire'], units: ['m²'] },
	other: { titles: ['Idées pour le festival', 'Contacts presse'], units: ['contacts', 'idées'] }
};
export const DECISIONS = ['Adopter le budget', 'Changer d’assurance', 'Acheter une camionnette', 'Ouvrir le local le dimanche', 'Adhérer à la fédération', 'Refaire la toiture', 'Organiser la fête de quartier', 'Prêter la salle à l’AMAP', 'Augmenter les cotisations', 'Choisir le fournisseur de farine'];
export const REASONS = ['Trop cher pour cette année', 'Il faut d’abord en parler en AG', 'Je ne suis pas d’accord sur le calendrier', 'Risque pour la trésorerie'];
export const COLLECTIVES = ['AMAP des Lilas', 'Compagnie Théâtre Rouge', 'Syndicat du quartier', 'École Freinet', 'Chorale populaire'];

export const DAY = 86_400_000;

export function weighted<T>(gen: prng.PRNG, options: [T, number][]): T {
	const total = options.reduce((sum, [, w]) => sum + w, 0);
	let roll = prng.real53(gen) * total;
	for (const [value, w] of options) {
		roll -= w;
		if (roll < 0) return value;
	}
	return options[options.length - 1]![0];
}

export function isoDay(at: number): string {
	return new Date(at).toISOString().slice(0, 10);
}

/** `count` shares of `total`, as even as they go. */
export function share(total: number, count: number, index: number): number {
	return Math.floor(total / count) + (index < total % count ? 1 : 0);
}
