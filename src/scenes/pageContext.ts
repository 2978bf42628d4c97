/**
 * What a page section needs from its scene: the time range (from the time picker, kept in the URL), the
 * service variable's value, and a counter that moves on every refresh (the refresh picker, or a new range).
 * Sections read it with `usePageContext()`; outside a scene (unit tests, the bare components) they get the
 * defaults: the last six hours, every service. No Scenes import here, so page code loads without it.
 */
import { createContext, useContext, useState } from 'react';

export const SERVICE_VARIABLE = 'service';
/** The service variable's "All" value. */
export const ALL_SERVICES = '$__all';

export interface PageContextValue {
  fromMs: number;
  toMs: number;
  /** One service, or undefined for all of them. */
  service?: string;
  /** Changes on every refresh: a dependency for effects that load data. */
  refreshKey: number;
}

const SIX_HOURS_MS = 6 * 3_600_000;

export function defaultPageContext(now = Date.now()): PageContextValue {
  return { fromMs: now - SIX_HOURS_MS, toMs: now, refreshKey: 0 };
}

export const PageContext = createContext<PageContextValue | undefined>(undefined);

/** The scene's range, service and refresh counter (defaults outside a scene). */
export function usePageContext(): PageContextValue {
  const scene = useContext(PageContext);
  // Outside a scene: the defaults as of the first render, kept while the component lives.
  const [fallback] = useState(defaultPageContext);
  return scene ?? fallback;
}

/** A variable value as a single service, or undefined for "All" and empty values. */
export function serviceOf(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' && v !== ALL_SERVICES && v !== '$__all' ? v : undefined;
}
