// The FMP list for the field forms, kept in this browser so that the forms still work after a
// reload without a connection.
import { useEffect, useState } from 'react';
import type { Fmp } from '../../app/types.ts';
import { useFmps } from '../places/api.ts';

const FMP_CACHE = 'marz.flows.fmps';

export function useFmpList(): Fmp[] {
  const q = useFmps();
  const [cached] = useState<Fmp[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(FMP_CACHE) ?? '[]');
    } catch {
      return [];
    }
  });
  useEffect(() => {
    if (q.data) {
      try {
        localStorage.setItem(FMP_CACHE, JSON.stringify(q.data));
      } catch {
        /* full */
      }
    }
  }, [q.data]);
  return q.data ?? cached;
}
