import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			strategies: 'generateSW',
			// The app asks before reloading into a new version, so nothing typed is lost.
			registerType: 'prompt',
			injectRegister: false,
			manifest: {
				name: 'Passerelle',
				short_name: 'Passerelle',
				description: 'Ce que le collectif a en commun, même sans réseau.',
				lang: 'fr',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				background_color: '#f7f4ee',
				theme_color: '#1f5f5b',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{
						src: '/icons/icon-maskable-512.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			workbox: {
				clientsClaim: true
			},
			kit: { adapterFallback: 'index.html', spa: true }
		})
	]
});
