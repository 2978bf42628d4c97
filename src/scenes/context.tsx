/**
 * What a page section needs from its scene: the time range (from the time picker, kept in the URL), the
 * service variable's value, and a counter that moves on every refresh (the refresh picker, or a new range).
 * Sections read it with `usePageContext()`; outside a scene (unit tests, the bare components) they get the
 * defaults: the last six hours, every service.
 */
import React, { createContext, useContext } from 'react';
import { sceneGraph, SceneObjectBase, type SceneComponentProps, type SceneObjectState } from '@grafana/scenes';

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

const PageContext = createContext<PageContextValue | undefined>(undefined);

/** The scene's range, service and refresh counter (defaults outside a scene). */
export function usePageContext(): PageContextValue {
  return useContext(PageContext) ?? defaultPageContextOnce;
}
const defaultPageContextOnce = defaultPageContext();

/** A variable value as a single service, or undefined for "All" and empty values. */
export function serviceOf(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' && v !== ALL_SERVICES && v !== '$__all' ? v : undefined;
}

interface SectionState extends SceneObjectState {
  /** A plain React component: the page content, which reads the context. */
  component: React.ComponentType;
}

/** A page's React content as a scene object, fed the scene's time range, service variable and refreshes. */
export class PageSection extends SceneObjectBase<SectionState> {
  static Component = PageSectionRenderer;
}

function PageSectionRenderer({ model }: SceneComponentProps<PageSection>) {
  const { component: Content } = model.useState();
  const range = sceneGraph.getTimeRange(model);
  const { value } = range.useState();
  const variable = sceneGraph.lookupVariable(SERVICE_VARIABLE, model);
  // Subscribe to the variable so that a new service re-renders the section.
  const variableState = (variable as unknown as { useState?: () => { value?: unknown } } | null)?.useState?.();
  const service = serviceOf(variableState?.value ?? variable?.getValue());
  // A new range object on every refresh and every time-picker change.
  const refreshKey = useRefreshCounter(value);
  const context: PageContextValue = {
    fromMs: value.from.valueOf(),
    toMs: value.to.valueOf(),
    ...(service ? { service } : {}),
    refreshKey,
  };
  return (
    <PageContext.Provider value={context}>
      <Content />
    </PageContext.Provider>
  );
}

function useRefreshCounter(token: unknown): number {
  const ref = React.useRef<{ token: unknown; count: number }>({ token, count: 0 });
  if (ref.current.token !== token) {
    ref.current = { token, count: ref.current.count + 1 };
  }
  return ref.current.count;
}
