/**
 * Two setters Grafana itself calls at start-up and @grafana/runtime exports only from its internal entry (not
 * in its package exports): imported from the same files its public index re-exports, so they set the very
 * components the plugin reads.
 */
import type { ComponentType } from 'react';
// @ts-expect-error -- a file of the package, not an exported entry; typed below.
import { setPanelRenderer as setPanelRendererRaw } from '../../node_modules/@grafana/runtime/dist/esm/components/PanelRenderer.mjs';
// @ts-expect-error -- as above.
import { setPluginPage as setPluginPageRaw } from '../../node_modules/@grafana/runtime/dist/esm/components/PluginPage.mjs';

export const setPanelRenderer = setPanelRendererRaw as (renderer: ComponentType<never>) => void;
export const setPluginPage = setPluginPageRaw as (page: ComponentType<never>) => void;
