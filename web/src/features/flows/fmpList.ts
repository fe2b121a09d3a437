// The FMP list for the field forms, kept in this browser so that the forms still work after a
// reload without a connection. Only the FMPs where the signed-in user holds the permission the
// form acts under (GET /api/v1/places/fmps?usable_for=…): a choice list offers only what the
// user may use. The service worker keeps those answers too (web/src/sw.js, "warm").
import { useEffect, useState } from 'react';
import type { Fmp } from '../../app/types.ts';
import { useFmps } from '../places/api.ts';

/** The permissions the flows pages act under when they offer FMPs. */
export type FlowsPermission = 'flows.submit' | 'flows.review' | 'flows.read' | 'flows.import' | 'flows.manage';

// One list per permission (an enumerator's and a reviewer's FMPs differ); under 'marz.flows.',
// so it is wiped with the rest of the user's device data at sign-out.
const cacheKey = (permission: FlowsPermission) => `marz.flows.fmps.${permission}`;

export function useFmpList(permission: FlowsPermission): Fmp[] {
  const q = useFmps(permission);
  const [cached] = useState<Fmp[]>(() => {
    try {
      const v = JSON.parse(localStorage.getItem(cacheKey(permission)) ?? '[]');
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  });
  useEffect(() => {
    if (q.data) {
      try {
        localStorage.setItem(cacheKey(permission), JSON.stringify(q.data));
      } catch {
        /* full */
      }
    }
  }, [q.data, permission]);
  return q.data ?? cached;
}
