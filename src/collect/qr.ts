// The QR code that ODK Collect's (and KoboCollect's) "configure with QR code" reads: its
// settings JSON (sections general, admin, project), compressed with zlib and written in
// base64 — the format of the ODK documentation's example (docs.getodk.org/collect-import-export).
import { deflateSync, inflateSync } from 'node:zlib';
import QRCode from 'qrcode';

export interface CollectSettings {
  general: Record<string, string | boolean>;
  admin: Record<string, string | boolean>;
  project: { name: string; icon: string; color: string };
}

/** Settings for a device: the server address (with its token, or with a username for Basic sign-in). */
export function collectSettings(serverUrl: string, opts: { username?: string; projectName?: string } = {}): CollectSettings {
  return {
    general: {
      server_url: serverUrl,
      ...(opts.username ? { username: opts.username } : {}),
      // The device keeps exactly the forms the server offers, updated automatically.
      form_update_mode: 'match_exactly',
      autosend: 'wifi_and_cellular',
      delete_send: false,
    },
    admin: {},
    project: { name: opts.projectName ?? 'Marz', icon: 'M', color: '#1f6f5c' },
  };
}

export const encodeSettings = (s: CollectSettings) => deflateSync(Buffer.from(JSON.stringify(s), 'utf8')).toString('base64');
export const decodeSettings = (payload: string): CollectSettings => JSON.parse(inflateSync(Buffer.from(payload, 'base64')).toString('utf8'));

export const qrSvg = (payload: string) => QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
export const qrTerminal = (payload: string) => QRCode.toString(payload, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
