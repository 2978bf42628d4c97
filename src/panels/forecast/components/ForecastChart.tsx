import React, { useMemo, useState, type MouseEvent } from 'react';
import { css } from '@emotion/css';
import {
  colorManipulator,
  dateTimeFormat,
  formattedValueToString,
  getDisplayProcessor,
  type Field,
  type GrafanaTheme2,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { chartGeometry, parseUtcOffset } from '../chart';
import type { SeriesModel } from '../model';
import { nearestIndex } from '../scale';
import type { ForecastPanelOptions } from '../types';

interface Props {
  series: SeriesModel;
  width: number;
  height: number;
  options: ForecastPanelOptions;
  timeZone: TimeZone;
}

export interface ChartColors {
  actual: string;
  forecast: string;
  band: string;
  band95: string;
  now: string;
}

/** A field's fixed colour from the field config (resolved against the theme), else the fallback. */
function fieldColor(field: Field | undefined, theme: GrafanaTheme2, fallback: string): string {
  const color = field?.config?.color;
  return color?.mode === 'fixed' && color.fixedColor ? theme.visualization.getColorByName(color.fixedColor) : fallback;
}

/** Theme colours for the chart: history in the text colour, the forecast and its bands in the primary colour. */
export function chartColors(series: SeriesModel, theme: GrafanaTheme2, bandOpacity: number): ChartColors {
  const forecast = fieldColor(series.medianField, theme, theme.colors.primary.main);
  const band = fieldColor(series.band?.upperField, theme, forecast);
  const opacity = bandOpacity / 100;
  return {
    actual: fieldColor(series.actualField, theme, theme.colors.text.primary),
    forecast,
    band: colorManipulator.alpha(band, opacity),
    band95: colorManipulator.alpha(band, opacity / 2),
    now: theme.colors.text.secondary,
  };
}

function valueFormatter(field: Field | undefined, theme: GrafanaTheme2): (value: number) => string {
  if (!field) {
    return (v) => String(Number(v.toPrecision(6)));
  }
  const display = field.display ?? getDisplayProcessor({ field, theme });
  return (v) => formattedValueToString(display(v));
}

/** SVG chart of one series: bands, history, dashed median, "now" marker, axes and a hover read-out. */
export function ForecastChart({ series, width, height, options, timeZone }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const [hover, setHover] = useState<number>();

  const formatValue = useMemo(
    () => valueFormatter(series.actualField ?? series.medianField, theme),
    [series.actualField, series.medianField, theme]
  );
  const geometry = useMemo(() => {
    const start = series.times.find((t) => Number.isFinite(t)) ?? 0;
    const tzOffsetMs = parseUtcOffset(dateTimeFormat(start, { format: 'Z', timeZone }));
    return chartGeometry({ series, width, height, showBand95: options.showBand95, formatValue, tzOffsetMs });
  }, [series, width, height, options.showBand95, formatValue, timeZone]);
  const colors = chartColors(series, theme, options.bandOpacity);

  if (!geometry) {
    return null;
  }
  const { plot, x, paths } = geometry;

  const onMove = (event: MouseEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left;
    if (px < plot.left || px > plot.right) {
      setHover(undefined);
      return;
    }
    const i = nearestIndex(series.times, x.invert(px));
    setHover(i >= 0 ? i : undefined);
  };

  const hoverX = hover !== undefined ? x(series.times[hover]) : undefined;
  const fontSize = theme.typography.bodySmall.fontSize;

  return (
    <div className={styles.wrapper} style={{ width, height }}>
      <svg
        width={width}
        height={height}
        data-testid={testIds.forecastPanel.chart}
        role="img"
        aria-label={`Forecast chart of ${series.title}`}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(undefined)}
      >
        <g>
          {geometry.yTicks.map((t) => (
            <g key={`y${t.value}`}>
              <line x1={plot.left} x2={plot.right} y1={t.position} y2={t.position} stroke={theme.colors.border.weak} />
              <text
                x={plot.left - 6}
                y={t.position}
                textAnchor="end"
                dominantBaseline="middle"
                fill={theme.colors.text.secondary}
                fontSize={fontSize}
              >
                {t.label}
              </text>
            </g>
          ))}
          {geometry.xTicks.map((t) => (
            <text
              key={`x${t.value}`}
              x={t.position}
              y={plot.bottom + 14}
              textAnchor="middle"
              fill={theme.colors.text.secondary}
              fontSize={fontSize}
            >
              {dateTimeFormat(t.value, { format: geometry.xTickFormat, timeZone })}
            </text>
          ))}
          <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke={theme.colors.border.medium} />
        </g>
        {paths.band95 && (
          <path data-testid={testIds.forecastPanel.band95} d={paths.band95} fill={colors.band95} stroke="none" />
        )}
        {paths.band && (
          <path data-testid={testIds.forecastPanel.band} d={paths.band} fill={colors.band} stroke="none" />
        )}
        {paths.actual && (
          <path
            data-testid={testIds.forecastPanel.actual}
            d={paths.actual}
            fill="none"
            stroke={colors.actual}
            strokeWidth={1.5}
            strokeLinejoin="round"
            strokeLinecap="round"
          />
        )}
        {paths.median && (
          <path
            data-testid={testIds.forecastPanel.median}
            d={paths.median}
            fill="none"
            stroke={colors.forecast}
            strokeWidth={1.5}
            strokeDasharray="6 4"
            strokeLinejoin="round"
          />
        )}
        {options.showNow && geometry.nowX !== undefined && (
          <g data-testid={testIds.forecastPanel.now}>
            <line
              x1={geometry.nowX}
              x2={geometry.nowX}
              y1={plot.top}
              y2={plot.bottom}
              stroke={colors.now}
              strokeDasharray="2 3"
            />
            <text x={geometry.nowX + 4} y={plot.top + 10} fill={colors.now} fontSize={fontSize}>
              now
            </text>
          </g>
        )}
        {hoverX !== undefined && (
          <line x1={hoverX} x2={hoverX} y1={plot.top} y2={plot.bottom} stroke={theme.colors.border.strong} />
        )}
      </svg>
      {hover !== undefined && hoverX !== undefined && (
        <HoverReadout
          series={series}
          index={hover}
          left={hoverX > width / 2 ? undefined : hoverX + 12}
          right={hoverX > width / 2 ? width - hoverX + 12 : undefined}
          top={plot.top}
          timeZone={timeZone}
          formatValue={formatValue}
        />
      )}
    </div>
  );
}

interface ReadoutProps {
  series: SeriesModel;
  index: number;
  left?: number;
  right?: number;
  top: number;
  timeZone: TimeZone;
  formatValue: (v: number) => string;
}

function HoverReadout({ series, index, left, right, top, timeZone, formatValue }: ReadoutProps) {
  const styles = useStyles2(getStyles);
  const f = (v: number | null | undefined) => (typeof v === 'number' ? formatValue(v) : undefined);
  const rows: Array<[string, string | undefined]> = [
    ['Actual', f(series.actual?.[index])],
    ['Forecast', f(series.median?.[index])],
    [
      '80% band',
      series.band && f(series.band.lower[index]) && f(series.band.upper[index])
        ? `${f(series.band.lower[index])} – ${f(series.band.upper[index])}`
        : undefined,
    ],
    [
      '95% band',
      series.band95 && f(series.band95.lower[index]) && f(series.band95.upper[index])
        ? `${f(series.band95.lower[index])} – ${f(series.band95.upper[index])}`
        : undefined,
    ],
  ];
  return (
    <div className={styles.readout} style={{ left, right, top }} role="tooltip">
      <div className={styles.readoutTime}>
        {dateTimeFormat(series.times[index], { format: 'YYYY-MM-DD HH:mm:ss', timeZone })}
      </div>
      {rows
        .filter(([, v]) => v !== undefined)
        .map(([label, v]) => (
          <div key={label}>
            {label}: <strong>{v}</strong>
          </div>
        ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({
    position: 'relative',
  }),
  readout: css({
    position: 'absolute',
    pointerEvents: 'none',
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z2,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    zIndex: 1,
  }),
  readoutTime: css({
    color: theme.colors.text.secondary,
  }),
});
