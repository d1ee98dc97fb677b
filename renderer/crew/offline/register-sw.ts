/**
 * The service worker (/crew/sw.js, built by the crewPwa plugin in vite.config.ts) keeps the crew
 * shell on the phone so the view opens without the host. Only in production builds (the Vite dev
 * server has no sw.js and would serve stale modules) and only on a secure origin (the HTTPS LAN
 * port, or localhost): browsers refuse service workers anywhere else.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/crew/sw.js', { scope: '/crew/' }).catch((err: unknown) => {
      // Not fatal: the view still works online, it just cannot open offline.
      console.warn('crew service worker not registered', err);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
