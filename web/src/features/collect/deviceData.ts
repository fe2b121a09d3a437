// What the app keeps on this device for the signed-in user: the offline queues (records,
// interviews, refusal tallies), the lists the field forms need without a network (FMPs, survey
// questions) and the API answers the service worker keeps (web/src/sw.js). All of it belongs to
// the user who signed in and is wiped at sign-out, so the next person on a shared phone finds
// nothing of it.
const PREFIXES = ['marz.flows.'];
const API_CACHE = 'marz-api';

/** localStorage keys of the device data. */
function keys(): string[] {
  const out: string[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && PREFIXES.some((p) => k.startsWith(p))) out.push(k);
    }
  } catch {
    /* storage disabled */
  }
  return out;
}

/** How many entries of the offline queues have not reached the server yet (waiting or refused). */
export function unsentCount(): number {
  let n = 0;
  for (const k of keys()) {
    if (!/\.queue\.|\.nonresponse\./.test(k)) continue;
    try {
      const v = JSON.parse(localStorage.getItem(k) ?? '[]');
      if (Array.isArray(v)) n += v.length;
    } catch {
      /* unreadable: counted as nothing */
    }
  }
  return n;
}

/** The service worker's kept API answers (the session, lists) are dropped. */
export async function dropKeptAnswers(): Promise<void> {
  try {
    if ('caches' in window) await caches.delete(API_CACHE);
  } catch {
    /* no cache storage */
  }
}

/** Asks the service worker to keep the field forms' answers for the user now signed in. */
export function warmKeptAnswers(): void {
  try {
    navigator.serviceWorker?.controller?.postMessage({ type: 'warm' });
  } catch {
    /* no service worker */
  }
}

/** Wipes everything kept on this device for the user (at sign-out). */
export async function wipeDeviceData(): Promise<void> {
  for (const k of keys()) {
    try {
      localStorage.removeItem(k);
    } catch {
      /* ignore */
    }
  }
  await dropKeptAnswers();
}

/** At sign-out: with records not sent yet, asks first (they would be lost). Returns false to stay signed in. */
export function confirmWipe(): boolean {
  const n = unsentCount();
  if (!n) return true;
  const fa = document.documentElement.lang === 'fa';
  const nText = fa ? new Intl.NumberFormat('fa-IR').format(n) : String(n);
  return window.confirm(
    fa
      ? `${nText} مورد هنوز به سرور نرسیده است و با خروج از این دستگاه پاک می‌شود. پیش از خروج آن‌ها را بفرستید. با این حال خارج می‌شوید؟`
      : `${nText} item(s) have not reached the server yet and will be deleted from this device when you sign out. Send them first. Sign out anyway?`,
  );
}
