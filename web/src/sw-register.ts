// Registers the service worker (web/src/sw.js, written to /sw.js by the build) so that the app
// opens and reloads without a network, and asks it to keep the field forms' API answers once it
// controls the page. Not in the dev server (no /sw.js there).
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  const warm = () => navigator.serviceWorker.controller?.postMessage({ type: 'warm' });
  const register = () => {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/', updateViaCache: 'none' })
      .then(() => {
        if (navigator.serviceWorker.controller) warm();
        else navigator.serviceWorker.addEventListener('controllerchange', warm, { once: true });
      })
      .catch(() => {
        /* no offline app in this browser (private mode, http on another host…): the app works online */
      });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
export {};
