/**
 * A page's React content as a scene object (`PageSection`), fed the scene's time range, service variable and
 * refreshes through the page context.
 */
import React from 'react';
import { sceneGraph, SceneObjectBase, type SceneComponentProps, type SceneObjectState } from '@grafana/scenes';
import { PageContext, serviceOf, SERVICE_VARIABLE, type PageContextValue } from './pageContext';

export { ALL_SERVICES, SERVICE_VARIABLE, serviceOf, usePageContext } from './pageContext';

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

/** Counts changes of `token` (derived state: updated while rendering, as React documents for this case). */
function useRefreshCounter(token: unknown): number {
  const [state, setState] = React.useState({ token, count: 0 });
  if (state.token !== token) {
    setState({ token, count: state.count + 1 });
  }
  return state.token === token ? state.count : state.count + 1;
}
