/** What the sidecar watches by itself and why: GET /api/v1/watch. */
import type { FastifyPluginAsync } from 'fastify';
import type { WatchService } from '../watch/service.ts';

export const watchRoutes: FastifyPluginAsync<{ watch: WatchService | undefined }> = async (app, { watch }) => {
  app.get(
    '/api/v1/watch',
    {
      schema: {
        tags: ['anomalies'],
        summary:
          'The queries the sidecar watches by itself (incidents, forecasts, prediction series): where each came from, its step and lookback chosen from the history available, and how long until it is ready',
      },
    },
    async () =>
      watch?.status() ?? {
        mode: 'live',
        anomalies: [],
        forecasts: [],
        notes: ['the watchers are not running in this process'],
        predictions: null,
        lastRun: null,
      }
  );
};
