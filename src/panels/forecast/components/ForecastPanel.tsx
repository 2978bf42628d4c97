import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps, QueryResultMetaNotice } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import type { TimeZone } from '@grafana/schema';
import { Alert, Icon, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { framesToSeries, hasPoints, reasonText, type SeriesModel } from '../model';
import { withDefaults, type ForecastPanelOptions } from '../types';
import { chartColors, ForecastChart } from './ForecastChart';

export const LEGEND_HEIGHT = 22;
export const TITLE_HEIGHT = 20;
/** Below this a stacked series scrolls rather than shrinks. */
export const MIN_BLOCK_HEIGHT = 140;

type Props = PanelProps<Partial<ForecastPanelOptions>>;

/**
 * The forecast overlay: for every frame, actuals, the dashed median, the p10–p90 band (and p2.5–p97.5 when
 * present and enabled), a "now" marker at the last actual value, and the reason when the forecast is partial
 * or missing. Several frames are stacked; no frames fall back to Grafana's standard "No data" view.
 */
export function ForecastPanel({ data, width, height, options: rawOptions, timeZone, id, fieldConfig }: Props) {
  const styles = useStyles2(getStyles);
  const options = withDefaults(rawOptions);
  const series = useMemo(() => framesToSeries(data.series), [data.series]);
  const shown = series.filter((s) => hasPoints(s) || s.info.status === 'none' || s.info.status === 'partial');

  if (shown.length === 0) {
    const notices = series.flatMap((s) => s.notices);
    return (
      <div data-testid={testIds.forecastPanel.empty} className={styles.empty} style={{ width, height }}>
        {notices.length > 0 ? (
          <Notices notices={notices} />
        ) : (
          <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} needsTimeField needsNumberField />
        )}
      </div>
    );
  }

  const several = shown.length > 1;
  const blockHeight = several ? Math.max(MIN_BLOCK_HEIGHT, Math.floor(height / shown.length)) : height;
  return (
    <div data-testid={testIds.forecastPanel.container} className={styles.container} style={{ width, height }}>
      {shown.map((s) => (
        <SeriesBlock
          key={s.key}
          series={s}
          width={several ? width - 8 : width}
          height={blockHeight}
          showTitle={several}
          options={options}
          timeZone={timeZone}
        />
      ))}
    </div>
  );
}

interface BlockProps {
  series: SeriesModel;
  width: number;
  height: number;
  showTitle: boolean;
  options: ForecastPanelOptions;
  timeZone: TimeZone;
}

function SeriesBlock({ series, width, height, showTitle, options, timeZone }: BlockProps) {
  const styles = useStyles2(getStyles);
  const chartHeight = Math.max(0, height - LEGEND_HEIGHT - (showTitle ? TITLE_HEIGHT : 0));
  const drawable = hasPoints(series);
  return (
    <div data-testid={testIds.forecastPanel.series} className={styles.block} style={{ height }}>
      {showTitle && (
        <div className={styles.title} title={series.title}>
          {series.title}
        </div>
      )}
      <div className={styles.chartArea} style={{ height: chartHeight }}>
        {drawable && (
          <ForecastChart series={series} width={width} height={chartHeight} options={options} timeZone={timeZone} />
        )}
        <ReasonOverlay series={series} />
      </div>
      <Legend series={series} options={options} />
    </div>
  );
}

/**
 * Why a forecast is missing (an Alert over the plot) or partial (a one-line strip, full text on hover).
 */
function ReasonOverlay({ series }: { series: SeriesModel }) {
  const styles = useStyles2(getStyles);
  const { status, reasons, explanation } = series.info;
  if (status === 'none') {
    return (
      <div className={styles.overlay}>
        <Alert severity="warning" title="No forecast" data-testid={testIds.forecastPanel.reason}>
          {reasons.length > 0 ? (
            <ul className={styles.reasons}>
              {reasons.map((r) => (
                <li key={`${r.code}:${r.message}`}>{r.message}</li>
              ))}
            </ul>
          ) : (
            explanation || 'The sidecar gave no reason.'
          )}
        </Alert>
      </div>
    );
  }
  if (status === 'partial') {
    const text = reasonText(series.info);
    return (
      <Tooltip content={text}>
        <div className={styles.strip} data-testid={testIds.forecastPanel.reason}>
          <Icon name="info-circle" size="sm" />
          <span className={styles.stripText}>{text}</span>
        </div>
      </Tooltip>
    );
  }
  return null;
}

function Legend({ series, options }: { series: SeriesModel; options: ForecastPanelOptions }) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const colors = chartColors(series, theme, options.bandOpacity);
  const { model, backtestMase } = series.info;
  return (
    <div className={styles.legend} data-testid={testIds.forecastPanel.legend}>
      {series.actual && (
        <LegendItem swatch={<span className={styles.line} style={{ borderColor: colors.actual }} />} label="Actual" />
      )}
      {series.median && series.median.some((v) => v !== null) && (
        <LegendItem
          swatch={<span className={styles.dashed} style={{ borderColor: colors.forecast }} />}
          label={model ? `Forecast (${model})` : 'Forecast'}
        />
      )}
      {series.band && series.band.upper.some((v) => v !== null) && (
        <LegendItem swatch={<span className={styles.box} style={{ background: colors.band }} />} label="80% band" />
      )}
      {options.showBand95 && series.band95 && series.band95.upper.some((v) => v !== null) && (
        <LegendItem swatch={<span className={styles.box} style={{ background: colors.band95 }} />} label="95% band" />
      )}
      {typeof backtestMase === 'number' && (
        <span className={styles.muted}>backtest MASE {backtestMase.toFixed(2)}</span>
      )}
    </div>
  );
}

function LegendItem({ swatch, label }: { swatch: React.ReactNode; label: string }) {
  const styles = useStyles2(getStyles);
  return (
    <span className={styles.legendItem}>
      {swatch}
      {label}
    </span>
  );
}

function Notices({ notices }: { notices: QueryResultMetaNotice[] }) {
  return (
    <>
      {notices.map((n, i) => (
        <Alert
          key={`${i}:${n.text}`}
          severity={n.severity === 'error' ? 'error' : n.severity === 'warning' ? 'warning' : 'info'}
          title={n.text}
          data-testid={testIds.forecastPanel.reason}
        />
      ))}
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({
    overflowY: 'auto',
    overflowX: 'hidden',
  }),
  empty: css({
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    padding: theme.spacing(1),
    overflow: 'auto',
  }),
  block: css({
    display: 'flex',
    flexDirection: 'column',
  }),
  title: css({
    height: TITLE_HEIGHT,
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  chartArea: css({
    position: 'relative',
  }),
  overlay: css({
    position: 'absolute',
    top: theme.spacing(1),
    left: theme.spacing(1),
    right: theme.spacing(1),
    maxHeight: '100%',
    overflow: 'auto',
  }),
  reasons: css({
    margin: 0,
    paddingLeft: theme.spacing(2),
  }),
  strip: css({
    position: 'absolute',
    top: 0,
    right: theme.spacing(1),
    maxWidth: '70%',
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    padding: theme.spacing(0.25, 1),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  stripText: css({
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  legend: css({
    height: LEGEND_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  }),
  legendItem: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  }),
  line: css({
    display: 'inline-block',
    width: 16,
    borderTop: '2px solid',
  }),
  dashed: css({
    display: 'inline-block',
    width: 16,
    borderTop: '2px dashed',
  }),
  box: css({
    display: 'inline-block',
    width: 12,
    height: 10,
  }),
  muted: css({
    color: theme.colors.text.secondary,
  }),
});
