import { useCallback, useEffect, useState } from 'react';
import { getHealth } from '../api/sidecarClient';
import type { HealthReport } from '../api/types';
import { describeError } from '../utils/errors';

export interface SidecarHealthState {
  /** True until the latest request settles. */
  loading: boolean;
  /** Report from the last successful request; stays visible while a refresh is in flight. */
  health?: HealthReport;
  /** Message of the last failure, if the latest settled request failed. */
  error?: string;
  refresh: () => void;
}

interface Settled {
  attempt: number;
  health?: HealthReport;
  error?: string;
}

/** Loads the sidecar health on mount and on every `refresh()`; ignores stale and post-unmount responses. */
/** `refreshKey`: a change (the page's refresh picker) loads again. */
export function useSidecarHealth(refreshKey = 0): SidecarHealthState {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled>();

  useEffect(() => {
    let cancelled = false;
    getHealth().then(
      (health) => {
        if (!cancelled) {
          setSettled({ attempt, health });
        }
      },
      (err: unknown) => {
        if (!cancelled) {
          setSettled({ attempt, error: describeError(err) });
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [attempt, refreshKey]);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);

  return {
    loading: settled?.attempt !== attempt,
    health: settled?.health,
    error: settled?.error,
    refresh,
  };
}
