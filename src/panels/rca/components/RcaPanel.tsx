import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { buildRcaRequest } from '../model';
import { withRcaDefaults, type RcaPanelOptions } from '../types';
import { RcaExplorer } from './RcaExplorer';

type Props = PanelProps<Partial<RcaPanelOptions>>;

/**
 * The RCA explorer as a dashboard panel: the dashboard's time range is the incident window, the options name
 * the symptom service and SLI. It asks the sidecar itself (through the app's plugin proxy), not a query.
 */
export function RcaPanel({ options: rawOptions, timeRange, width, height, replaceVariables }: Props) {
  const styles = useStyles2(getStyles);
  const options = withRcaDefaults(rawOptions);
  // Dashboard variables may name the service (e.g. `$service` on an incident dashboard).
  const service = replaceVariables(options.service);
  const fromMs = timeRange.from.valueOf();
  const toMs = timeRange.to.valueOf();
  const request = useMemo(
    () => (fromMs < toMs ? buildRcaRequest({ ...options, service }, { fromMs, toMs }) : undefined),
    // `options` is a fresh object each render; its fields are the dependencies.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [fromMs, toMs, service, options.latencyQuery, options.errorQuery]
  );
  return (
    <div className={styles.scroll} style={{ width, height }}>
      <RcaExplorer request={request} sli={options.sli} datasources={options} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  scroll: css({
    overflow: 'auto',
    paddingRight: theme.spacing(0.5),
  }),
});
