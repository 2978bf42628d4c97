import React, { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dateTime } from '@grafana/data';
import { PanelRenderer } from '@grafana/runtime';
import { useTheme2 } from '@grafana/ui';
import type { RcaResponse } from '../../../api/types';
import { testIds } from '../../../components/testIds';
import { explorerGraphFrames, nodeGraphPanelData } from '../graphFrames';

/** The width of an element, following resizes. */
function useWidth(): [React.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) {
      return undefined;
    }
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') {
      return undefined;
    }
    const observer = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]?.contentRect.width ?? 0)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * The service graph of an RCA answer, drawn by Grafana's own Node Graph panel (through `PanelRenderer`): pan,
 * zoom, layout, node and edge details are Grafana's; the frames say how unusual each service is and which path
 * the top candidate explains.
 */
export function ServiceGraphPanel({ response, height }: { response: RcaResponse; height: number }) {
  const theme = useTheme2();
  const [ref, width] = useWidth();
  const frames = useMemo(() => explorerGraphFrames(response, theme), [response, theme]);
  const data = useMemo(() => {
    // Older sidecars send no window: the Node Graph does not use the range, any will do.
    const start = dateTime(response.window?.startMs ?? 0);
    const end = dateTime(response.window?.endMs ?? 0);
    return nodeGraphPanelData(frames, { from: start, to: end, raw: { from: start, to: end } });
  }, [frames, response.window]);
  return (
    <div ref={ref} data-testid={testIds.rcaExplorer.graph} style={{ height }}>
      {width > 0 && (
        <PanelRenderer pluginId="nodeGraph" title="Service graph" data={data} width={width} height={height} />
      )}
    </div>
  );
}
