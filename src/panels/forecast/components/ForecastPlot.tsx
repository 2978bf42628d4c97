import React, { useLayoutEffect, useRef } from 'react';
import {
  createDataFrame,
  FieldType,
  formattedValueToString,
  getFieldDisplayName,
  type DataFrame,
  type EventBus,
  type GrafanaTheme2,
  type TimeRange,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import {
  EventBusPlugin,
  EventsCanvas,
  LegendDisplayMode,
  SeriesTable,
  TimeSeries,
  TooltipPlugin2,
  useTheme2,
  type UPlotConfigBuilder,
} from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import type { Region } from '../style';

const ids = testIds.forecastPanel;

/** `TooltipHoverMode.xAll` of @grafana/ui (a `const enum` in its typings, so not importable here). */
const HOVER_ALL_SERIES = 1;

export interface ForecastPlotProps {
  /** Frames styled by `styleForecastFrames`. */
  frames: DataFrame[];
  timeRange: TimeRange;
  timeZone: TimeZone;
  width: number;
  height: number;
  /** Where the forecast starts (drawn as a dashed "now" line when set). */
  nowMs?: number;
  /** Anomalous regions and other annotation regions, shaded behind the series. */
  regions: Region[];
  /** Drag to zoom: the panel's `onChangeTimeRange`. */
  onChangeTimeRange?: (range: { from: number; to: number }) => void;
  /** The dashboard's event bus, for the shared crosshair and tooltip. */
  eventBus?: EventBus;
}

/**
 * Grafana's time-series renderer with what a forecast adds: the "now" line where the forecast starts and the
 * anomalous regions shaded behind the series. Legend, axes (units and decimals from the field config), tooltip,
 * zoom and the shared crosshair are Grafana's.
 */
export function ForecastPlot(props: ForecastPlotProps) {
  const { frames, timeRange, timeZone, width, height, nowMs, regions, onChangeTimeRange, eventBus } = props;
  const theme = useTheme2();
  // The uPlot instance, for placing the DOM markers; set by MarkersPlugin's init hook.
  const plot = useRef<PlotRef>(undefined);
  return (
    <div data-testid={ids.chart} style={{ width, height, position: 'relative' }}>
      <TimeSeries
        frames={frames}
        timeRange={timeRange}
        timeZone={timeZone}
        width={width}
        height={height}
        legend={{ showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
      >
        {(builder: UPlotConfigBuilder, alignedFrame: DataFrame) => (
          <>
            <MarkersPlugin config={builder} nowMs={nowMs} regions={regions} theme={theme} plot={plot} />
            <TooltipPlugin2
              config={builder}
              hoverMode={HOVER_ALL_SERIES as never}
              {...(onChangeTimeRange ? { queryZoom: onChangeTimeRange } : {})}
              render={(_u, dataIdxs) => <ForecastTooltip frame={alignedFrame} dataIdxs={dataIdxs} />}
            />
            {eventBus && <EventBusPlugin config={builder} eventBus={eventBus} frame={alignedFrame} />}
            {nowMs !== undefined && (
              <EventsCanvas
                id="aidpe-now"
                config={builder}
                events={[nowFrame(nowMs)]}
                renderEventMarker={() => (
                  <div data-testid={ids.now} style={markerStyle(theme)}>
                    now
                  </div>
                )}
                mapEventToXYCoords={(_frame, _row) => xy(plot.current, nowMs)}
              />
            )}
            {regions.length > 0 && (
              <EventsCanvas
                id="aidpe-regions"
                config={builder}
                events={[regionsFrame(regions)]}
                renderEventMarker={(_frame, row) => (
                  <div
                    data-testid={ids.region}
                    title={regions[row]?.title}
                    style={{ ...markerStyle(theme), color: theme.colors.error.text }}
                  >
                    ▲
                  </div>
                )}
                mapEventToXYCoords={(_frame, row) => xy(plot.current, regions[row]?.startMs)}
              />
            )}
          </>
        )}
      </TimeSeries>
    </div>
  );
}

function nowFrame(nowMs: number): DataFrame {
  return createDataFrame({ fields: [{ name: 'time', type: FieldType.time, values: [nowMs] }] });
}

function regionsFrame(regions: Region[]): DataFrame {
  return createDataFrame({ fields: [{ name: 'time', type: FieldType.time, values: regions.map((r) => r.startMs) }] });
}

interface PlotRef {
  valToPos: (v: number, scale: string, canvasPixels?: boolean) => number;
  bbox: { width: number };
}

/** Where a time sits on the plot (CSS pixels from the plotting area's left), or undefined when outside it. */
function xy(plot: PlotRef | undefined, ms: number | undefined): { x: number; y: number } | undefined {
  if (!plot || ms === undefined) {
    return undefined;
  }
  const x = plot.valToPos(ms, 'x');
  const width = plot.bbox.width / (window.devicePixelRatio || 1);
  return Number.isFinite(x) && x >= 0 && x <= width ? { x, y: 0 } : undefined;
}

const markerStyle = (theme: GrafanaTheme2): React.CSSProperties => ({
  transform: 'translateX(-50%)',
  fontSize: theme.typography.bodySmall.fontSize,
  color: theme.colors.text.secondary,
  lineHeight: 1,
  pointerEvents: 'auto',
  whiteSpace: 'nowrap',
});

interface MarkersProps {
  config: UPlotConfigBuilder;
  nowMs?: number;
  regions: Region[];
  theme: GrafanaTheme2;
  plot: React.MutableRefObject<PlotRef | undefined>;
}

/**
 * Canvas hooks, registered once per plot configuration (the usual uPlot-plugin pattern), reading the latest
 * values through a ref: regions are shaded under the series, the "now" line is drawn over them.
 */
function MarkersPlugin({ config, nowMs, regions, theme, plot }: MarkersProps) {
  const latest = useRef({ nowMs, regions, theme });
  useLayoutEffect(() => {
    latest.current = { nowMs, regions, theme };
    // Redraw so the hooks paint the new values (a new "now" or new regions on the same plot).
    (plot.current as { redraw?: () => void } | undefined)?.redraw?.();
  }, [nowMs, regions, theme, plot]);
  useLayoutEffect(() => {
    type Plot = {
      ctx: CanvasRenderingContext2D;
      bbox: { left: number; top: number; width: number; height: number };
      valToPos: (v: number, scale: string, canvasPixels?: boolean) => number;
    };
    config.addHook('init', (u: Plot & PlotRef) => {
      plot.current = u;
    });
    config.addHook('drawClear', (u: Plot) => {
      const { regions: rs, theme: t } = latest.current;
      const { left, top, width, height } = u.bbox;
      u.ctx.save();
      for (const r of rs) {
        const x0 = Math.max(left, u.valToPos(r.startMs, 'x', true));
        const x1 = Math.min(left + width, u.valToPos(r.endMs, 'x', true));
        if (x1 > x0) {
          u.ctx.fillStyle = t.colors.error.transparent;
          u.ctx.fillRect(x0, top, x1 - x0, height);
        }
      }
      u.ctx.restore();
    });
    config.addHook('draw', (u: Plot) => {
      const { nowMs: now, theme: t } = latest.current;
      if (now === undefined) {
        return;
      }
      const x = u.valToPos(now, 'x', true);
      const { left, top, width, height } = u.bbox;
      if (!(x >= left && x <= left + width)) {
        return;
      }
      u.ctx.save();
      u.ctx.strokeStyle = t.colors.text.secondary;
      u.ctx.lineWidth = Math.max(1, window.devicePixelRatio || 1);
      u.ctx.setLineDash([4, 4]);
      u.ctx.beginPath();
      u.ctx.moveTo(x, top);
      u.ctx.lineTo(x, top + height);
      u.ctx.stroke();
      u.ctx.restore();
    });
  }, [config, plot]);
  return null;
}

/** The hovered time with every visible series' value, formatted by its field config (unit, decimals). */
function ForecastTooltip({ frame, dataIdxs }: { frame: DataFrame; dataIdxs: Array<number | null> }) {
  const theme = useTheme2();
  const timeField = frame.fields[0];
  const first = dataIdxs.find((i): i is number => i !== null && i !== undefined);
  if (!timeField || first === undefined) {
    return null;
  }
  const rows = frame.fields.flatMap((field, i) => {
    const idx = dataIdxs[i];
    const hidden = (field.config.custom as { hideFrom?: { tooltip?: boolean } } | undefined)?.hideFrom?.tooltip;
    if (i === 0 || idx === null || idx === undefined || hidden || field.type !== FieldType.number) {
      return [];
    }
    const value: unknown = field.values[idx];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return [];
    }
    const shown = field.display ? formattedValueToString(field.display(value)) : String(value);
    const color = field.config.color?.fixedColor ?? theme.colors.text.primary;
    return [
      { color: theme.visualization.getColorByName(color), label: getFieldDisplayName(field, frame), value: shown },
    ];
  });
  const t = timeField.values[first];
  const time = timeField.display ? formattedValueToString(timeField.display(t)) : new Date(Number(t)).toISOString();
  return (
    <div data-testid={ids.tooltip} style={{ padding: theme.spacing(1) }}>
      <SeriesTable timestamp={time} series={rows} />
    </div>
  );
}
