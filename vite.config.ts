import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';
import { shortStrings } from './scripts/short-strings.mjs';

export default defineConfig({
	// The worker reads whole documents too.
	worker: { plugins: () => [shortStrings()] },
	plugins: [
		shortStrings(),
		sveltekit(),
		SvelteKitPWA({
			strategies: 'generateSW',
			// The app asks before reloading into a new version, so nothing typed is lost.
			registerType: 'prompt',
			injectRegister: false,
			// The worker lives at the root and serves every path: registered relative to the
			// page, a first visit through an invite link or a bookmark (/s/<id>/needs) would ask
			// for /s/<id>/sw.js, get nothing, and stay without offline support.
			base: '/',
			scope: '/',
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
				// A .passerelle file sent from another app (a messenger, the file manager) opens here:
				// the service worker keeps it (static/share-target.js) and the app imports it.
				share_target: {
					action: '/share-file',
					method: 'POST',
					enctype: 'multipart/form-data',
					params: { files: [{ name: 'file', accept: ['.passerelle', 'application/octet-stream'] }] }
				},
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
				clientsClaim: true,
				// A tap on a reminder's notification opens its page (static/notifications.js).
				importScripts: ['share-target.js', 'notifications.js'],
				// Nothing is prerendered in a single-page app: with its own patterns (and the
				// client/ prefix dropped here) the plugin adds no prerendered/ pattern that
				// matches nothing and warns on every build. The fallback page is added by the plugin.
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest}'],
				modifyURLPrefix: { 'client/': '' }
			},
			kit: { adapterFallback: 'index.html', spa: true }
		})
	]
});
