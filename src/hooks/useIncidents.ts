import { useCallback, useEffect, useState } from 'react';
import { listIncidents } from '../api/sidecarClient';
import type { IncidentListResponse } from '../api/types';
import { describeError } from '../utils/errors';

export interface IncidentsState {
  /** True while the latest load is in flight (the previous answer stays visible meanwhile). */
  loading: boolean;
  response?: IncidentListResponse;
  error?: string;
  reload: () => void;
}

interface Settled {
  generation: number;
  response?: IncidentListResponse;
  error?: string;
}

/**
 * `GET /api/v1/incidents` on mount, on `reload()` and when `refreshKey` changes (the page's refresh picker);
 * answers to older loads are ignored.
 */
export function useIncidents(refreshKey = 0): IncidentsState {
  const [generation, setGeneration] = useState(0);
  const [settled, setSettled] = useState<Settled>();

  useEffect(() => {
    let cancelled = false;
    listIncidents().then(
      (response) => !cancelled && setSettled({ generation, response }),
      (err: unknown) => !cancelled && setSettled({ generation, error: describeError(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [generation, refreshKey]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return {
    loading: settled?.generation !== generation,
    ...(settled?.response ? { response: settled.response } : {}),
    ...(settled?.error ? { error: settled.error } : {}),
    reload,
  };
}
