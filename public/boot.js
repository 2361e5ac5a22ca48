// Starts the app and keeps it installable and up to date. Loaded by index.html as a module
// (no inline script: the content security policy forbids them).

import init from './pkg/gugus_app.js';

const TEXT = {
  id: {
    update: 'Versi baru tersedia.',
    reload: 'Muat ulang',
    failed: 'Aplikasi gagal dimuat. Periksa sinyal, lalu muat ulang halaman ini.',
  },
  en: {
    update: 'A new version is available.',
    reload: 'Reload',
    failed: 'The app failed to load. Check the signal, then reload this page.',
  },
};

function text() {
  return document.documentElement.lang === 'en' ? TEXT.en : TEXT.id;
}

// Set only after the officer accepted an update: the first install also changes the
// controller (clients.claim) and must not reload the page under the officer's fingers.
let reloadOnControllerChange = false;

function showUpdateBar(waiting) {
  if (document.getElementById('update-bar')) return;
  const bar = document.createElement('div');
  bar.id = 'update-bar';
  bar.setAttribute('role', 'status');
  const message = document.createElement('span');
  message.textContent = text().update + ' ';
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'update-reload';
  button.textContent = text().reload;
  button.addEventListener('click', () => {
    button.disabled = true;
    reloadOnControllerChange = true;
    waiting.postMessage({ type: 'SKIP_WAITING' });
  });
  bar.append(message, button);
  // Styled through the CSSOM (allowed by the CSP, unlike style attributes) so the bar is
  // usable whatever style.css says; style.css may refine #update-bar.
  Object.assign(bar.style, {
    position: 'fixed',
    left: '0',
    right: '0',
    bottom: '0',
    zIndex: '1000',
    padding: '0.75rem 1rem',
    background: '#7a1f2b',
    color: '#fff',
    textAlign: 'center',
  });
  document.body.append(bar);
}

function watchForUpdates(registration) {
  const offer = (worker) => {
    // With no controller this is the first install, not an update.
    if (worker && navigator.serviceWorker.controller) showUpdateBar(worker);
  };
  offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    if (!installing) return;
    installing.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer(registration.waiting || installing);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloadOnControllerChange) {
      reloadOnControllerChange = false;
      window.location.reload();
    }
  });
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    watchForUpdates(registration);
  } catch (error) {
    // The app works online without it; offline start-up is what is lost.
    console.warn('service worker registration failed', error);
  }
}

// The first paint of index.html ("Memuat…") gives way to the app's first screen.
function removeSplash() {
  const splash = document.getElementById('boot');
  if (splash) splash.remove();
}

function showLoadFailure(error) {
  console.error('the app failed to start', error);
  removeSplash();
  const message = document.createElement('p');
  message.id = 'boot-error';
  message.setAttribute('role', 'alert');
  message.textContent = text().failed;
  document.body.append(message);
}

async function boot() {
  try {
    await init();
    removeSplash();
  } catch (error) {
    showLoadFailure(error);
  }
  // Registered after the app is up, so on a slow first visit the precache does not
  // compete with the app's own download (its requests then revalidate cheaply).
  await registerServiceWorker();
}

boot();
