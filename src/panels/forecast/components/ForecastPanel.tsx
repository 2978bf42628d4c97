import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { DataTopic, type GrafanaTheme2, type PanelProps, type QueryResultMetaNotice } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { Alert, Icon, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { framesToSeries, hasPoints, reasonText } from '../model';
import { annotationRegions, forecastRange, nowOf, styleForecastFrames } from '../style';
import { withDefaults, type ForecastPanelOptions } from '../types';
import { ForecastPlot } from './ForecastPlot';

/** Height of one line of the notice strip above the plot (it never covers the plot). */
export const NOTICE_LINE_HEIGHT = 22;
/** Notices shown as lines; the rest are counted, with the full text on hover. */
const MAX_NOTICE_LINES = 2;

type Props = PanelProps<Partial<ForecastPanelOptions>>;

interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/**
 * The forecast overlay on Grafana's time-series renderer: every frame's history, dashed median and bands in one
 * plot, the "now" line where the forecast starts, anomalous regions from the panel's annotations shaded behind
 * the series, and, above the plot, why a forecast is partial or missing. No frames fall back to Grafana's
 * standard "No data" view.
 */
export function ForecastPanel(props: Props) {
  const { data, width, height, options: rawOptions, timeZone, id, fieldConfig, timeRange } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const options = withDefaults(rawOptions);
  const series = useMemo(() => framesToSeries(data.series), [data.series]);
  const frames = useMemo(
    () => styleForecastFrames(data.series, options, theme),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options is rebuilt every render; its fields are the deps.
    [data.series, options.showBand95, options.bandOpacity, theme]
  );
  // Annotation frames from the dashboard's layers, and from queries that answer annotations (an AIDPE anomalies
  // query in annotation format) when the host did not move them to `annotations` itself.
  const regions = useMemo(
    () =>
      annotationRegions([
        ...(data.annotations ?? []),
        ...data.series.filter((f) => f.meta?.dataTopic === DataTopic.Annotations),
      ]),
    [data.annotations, data.series]
  );
  const nowMs = options.showNow ? nowOf(data.series) : undefined;
  const notices = useMemo(() => noticesOf(series), [series]);
  const drawable = series.some(hasPoints);

  if (!drawable) {
    const all = [...notices, ...series.flatMap((s) => s.notices.map(toNotice))];
    return (
      <div data-testid={testIds.forecastPanel.empty} className={styles.empty} style={{ width, height }}>
        {all.length > 0 ? (
          all.map((n, i) => (
            <Alert
              key={`${i}:${n.text}`}
              severity={n.severity}
              title={n.text}
              data-testid={testIds.forecastPanel.reason}
            />
          ))
        ) : (
          <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} needsTimeField needsNumberField />
        )}
      </div>
    );
  }

  const shown = notices.slice(0, MAX_NOTICE_LINES);
  const stripHeight = shown.length * NOTICE_LINE_HEIGHT;
  return (
    <div data-testid={testIds.forecastPanel.container} style={{ width, height }}>
      {shown.map((n, i) => (
        <Tooltip
          key={`${i}:${n.text}`}
          content={
            i === shown.length - 1
              ? notices
                  .slice(i)
                  .map((x) => x.text)
                  .join(' · ')
              : n.text
          }
        >
          <div className={styles.strip} data-testid={testIds.forecastPanel.reason}>
            <Icon name={n.severity === 'info' ? 'info-circle' : 'exclamation-triangle'} size="sm" />
            <span className={styles.stripText}>
              {n.text}
              {i === shown.length - 1 && notices.length > shown.length
                ? ` (+${notices.length - shown.length} more)`
                : ''}
            </span>
          </div>
        </Tooltip>
      ))}
      <ForecastPlot
        frames={frames}
        timeRange={forecastRange(frames, timeRange)}
        timeZone={timeZone}
        width={width}
        height={Math.max(0, height - stripHeight)}
        nowMs={nowMs}
        regions={regions}
        onChangeTimeRange={props.onChangeTimeRange}
        eventBus={props.eventBus}
      />
    </div>
  );
}

function toNotice(n: QueryResultMetaNotice): Notice {
  return { severity: n.severity === 'error' ? 'error' : n.severity === 'warning' ? 'warning' : 'info', text: n.text };
}

/** One line per series whose forecast is partial or missing, in plain words. */
function noticesOf(series: ReturnType<typeof framesToSeries>): Notice[] {
  const several = series.length > 1;
  return series.flatMap((s) => {
    if (s.info.status !== 'partial' && s.info.status !== 'none') {
      return [];
    }
    const text = reasonText(s.info) || (s.info.status === 'none' ? 'No forecast' : 'Partial forecast');
    return [
      {
        severity: s.info.status === 'none' ? ('warning' as const) : ('info' as const),
        text: several ? `${s.title}: ${text}` : text,
      },
    ];
  });
}

const getStyles = (theme: GrafanaTheme2) => ({
  empty: css({
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    padding: theme.spacing(1),
    overflow: 'auto',
  }),
  strip: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    height: NOTICE_LINE_HEIGHT,
    padding: theme.spacing(0, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    background: theme.colors.background.secondary,
    borderLeft: `2px solid ${theme.colors.warning.border}`,
  }),
  stripText: css({
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
});
