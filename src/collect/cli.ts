// marz collect-link --username U [--label TEXT] [--list] [--revoke ID]
// A new device link for ODK Collect / KoboCollect: prints the server address (with the device
// token) and the QR code Collect's "configure with QR code" reads.
import { parseArgs } from 'node:util';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { cliActor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { t } from '../platform/i18n/messages.ts';
import { createDevice, listDevices, revokeDevice, deviceUrl } from './devices.ts';
import { collectSettings, encodeSettings, qrTerminal } from './qr.ts';

type WithDatabase = <T>(config: Config, command: string, fn: (db: Database) => Promise<T>) => Promise<T>;

export const COLLECT_LINK_USAGE =
  '  collect-link --username U [--label TEXT]   a device link for ODK Collect / KoboCollect: its address and QR code\n' +
  '  collect-link --list [--username U] | --revoke ID   list or revoke device links';

export async function collectLinkCommand(args: string[], config: Config, withDatabase: WithDatabase, out = console): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { username: { type: 'string' }, label: { type: 'string' }, list: { type: 'boolean' }, revoke: { type: 'string' }, 'no-qr': { type: 'boolean' } } }));
  } catch (e) {
    out.error(String((e as Error).message));
    return 2;
  }
  if (!values.username && !values.list && !values.revoke) {
    out.error('Usage:\n' + COLLECT_LINK_USAGE);
    return 2;
  }
  try {
    return await withDatabase(config, 'collect-link', async (db) => {
      if (values.revoke) {
        const id = Number(values.revoke);
        if (!Number.isSafeInteger(id) || id <= 0) {
          out.error('--revoke takes the number of a device link (see --list).');
          return 2;
        }
        await revokeDevice(db, cliActor('marz collect-link'), id, null, null);
        out.log(`Device link ${id} revoked.`);
        return 0;
      }
      if (values.list) {
        let userId: string | null = null;
        if (values.username) userId = (await db.one<{ id: string }>('SELECT id FROM users WHERE lower(username) = lower($1)', [values.username]))?.id ?? null;
        for (const d of await listDevices(db, userId)) {
          out.log(`${d.id}\t${d.username}\t${d.label}\tcreated ${new Date(d.created_at).toISOString().slice(0, 16)}\t${d.revoked_at ? 'revoked' : d.last_used_at ? 'last used ' + new Date(d.last_used_at).toISOString().slice(0, 16) : 'never used'}`);
        }
        return 0;
      }
      const label = values.label ?? `ODK Collect (${new Date().toISOString().slice(0, 10)})`;
      const d = await createDevice(db, cliActor('marz collect-link'), values.username!, label, null);
      const url = deviceUrl(config.publicUrl, d.token);
      const settings = encodeSettings(collectSettings(url));
      out.log(`Device link ${d.id} for ${values.username} ("${label}"):`);
      out.log(`  Server URL: ${url}`);
      out.log('In ODK Collect or KoboCollect: Configure with QR code, and scan this code (or type the server URL by hand).');
      if (!values['no-qr']) out.log(await qrTerminal(settings));
      out.log(`Settings in the QR code: ${settings}`);
      out.log(`Revoke it with: marz collect-link --revoke ${d.id}`);
      return 0;
    });
  } catch (e) {
    if (e instanceof AppError) {
      out.error(t('en', `errors.${e.code}`, e.params));
      return 1;
    }
    throw e;
  }
}
