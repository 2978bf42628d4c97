/**
 * Generated from src/api/openapi.json by scripts/api-types.mjs (openapi-typescript): do not edit by hand.
 * Regenerate with `npm run api:types` after `npm run openapi -w backend`.
 */
export interface paths {
  '/api/v1/actions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Scaling actions, newest first, with the automation status of every managed service */
    get: {
      parameters: {
        query?: {
          limit?: number;
          service?: string;
          /** @description comma-separated: proposed, pending_approval, applying, applied, failed, rejected, expired, rolling_back, rolled_back */
          status?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/actions/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One action */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/actions/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve a pending action (the guards are checked again, then it is applied) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            note?: string;
          } | null;
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/actions/{id}/reject': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reject a proposed or pending action */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            note?: string;
          } | null;
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/actions/{id}/rollback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Roll back an applied action: its recorded before-state is written back */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            note?: string;
          } | null;
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/anomalies': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Anomaly scores, regions and annotations for a PromQL range or inline series */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The univariate detector, in batch and streaming mode. art-residual (default): an adaptive-resonance window detector and the residual likelihood side by side, the larger score wins, then a rest rule (after an alert ≥ 0.7, 16 h of series time score 0: one incident, one alert), alerts at four levels; every setting in time units. The window detector is this project’s clean-room implementation of the idea behind ARTime (M. Hampton, 2021) on dual-vigilance fuzzy ART (Brito da Silva, Elnabarawy, Wunsch, Neural Networks 2019/2020): it learns the shapes of short windows of the downsampled series and reports a shape it has not seen. art (old name artime): the window detector alone. residual-likelihood (old name aidpe): robust seasonal residual + anomaly likelihood, the cheapest. ensemble: the former CAD-based ensemble was removed; the name still answers with the default. Scores live on different scales, so each detector has its own default threshold (art-residual 0.7, art 0.06, residual-likelihood 0.988) and its own thresholds and feedback (the series key gets __detector__ for all but residual-likelihood). A streaming state belongs to one detector: asking another one discards it and rebuilds from history, saying so. Accuracy on NAB: README (aidpe nab-loco). */
            detector?: 'art-residual' | 'art' | 'residual-likelihood' | 'aidpe' | 'artime' | 'ensemble';
            end?: number | string;
            /** @description Also score the series that share this label (e.g. service) together with a multivariate detector (multivariateDetector); each group gets regions naming the metrics that contributed most */
            groupBy?: string;
            /** @description batch (default): every call scores the whole range from scratch. streaming: the sidecar keeps each series' detector state between calls (in memory and in the store, so it survives a restart); a call scores only the points after the last one it scored (earlier ones are skipped and counted), regions keep their ids across calls, and each series answers `stream` notes: where its state came from (memory, store, or rebuilt from N points of history), gaps, detector resets, skipped samples. State is kept per series and step; groupBy is batch only */
            mode?: 'batch' | 'streaming';
            /** @description With groupBy: pca (default) = streaming PCA reconstruction error over the group's series; autoencoder = the shipped ONNX autoencoder (models/mvae, trained on simulator metrics) over a 6-step window, batched. The autoencoder maps the group's series to its features by name (request rate, cpu, latency p50/p95 or quantile 0.5/0.95, error, memory); unmatched series are left out, missing features count as normal. When the model is not available, or fewer than two series match, the group falls back to PCA and says why in its notes */
            multivariateDetector?: 'pca' | 'autoencoder';
            /** @description PromQL range expression; or give series */
            query?: string;
            series?: {
              labels?: {
                [key: string]: string;
              };
              /** @description Unix seconds, increasing */
              timestamps: number[];
              values: (number | string | (never | null))[];
            }[];
            start?: number | string;
            stepSeconds?: number;
            /** @description Overrides the per-series threshold */
            threshold?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/anomalies/{id}/feedback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** True/false-positive feedback on a region: stored, audited, and moves the series threshold */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            reason?: string;
            /** @description When not forwarded by Grafana (X-Grafana-User) */
            user?: string;
            verdict: 'true_positive' | 'false_positive';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/anomalies/feedback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Feedback given so far (optionally for one series key) */
    get: {
      parameters: {
        query?: {
          seriesKey?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/anomalies/query': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Anomaly scores, regions and annotations for a PromQL range or inline series */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description The univariate detector, in batch and streaming mode. art-residual (default): an adaptive-resonance window detector and the residual likelihood side by side, the larger score wins, then a rest rule (after an alert ≥ 0.7, 16 h of series time score 0: one incident, one alert), alerts at four levels; every setting in time units. The window detector is this project’s clean-room implementation of the idea behind ARTime (M. Hampton, 2021) on dual-vigilance fuzzy ART (Brito da Silva, Elnabarawy, Wunsch, Neural Networks 2019/2020): it learns the shapes of short windows of the downsampled series and reports a shape it has not seen. art (old name artime): the window detector alone. residual-likelihood (old name aidpe): robust seasonal residual + anomaly likelihood, the cheapest. ensemble: the former CAD-based ensemble was removed; the name still answers with the default. Scores live on different scales, so each detector has its own default threshold (art-residual 0.7, art 0.06, residual-likelihood 0.988) and its own thresholds and feedback (the series key gets __detector__ for all but residual-likelihood). A streaming state belongs to one detector: asking another one discards it and rebuilds from history, saying so. Accuracy on NAB: README (aidpe nab-loco). */
            detector?: 'art-residual' | 'art' | 'residual-likelihood' | 'aidpe' | 'artime' | 'ensemble';
            end?: number | string;
            /** @description Also score the series that share this label (e.g. service) together with a multivariate detector (multivariateDetector); each group gets regions naming the metrics that contributed most */
            groupBy?: string;
            /** @description batch (default): every call scores the whole range from scratch. streaming: the sidecar keeps each series' detector state between calls (in memory and in the store, so it survives a restart); a call scores only the points after the last one it scored (earlier ones are skipped and counted), regions keep their ids across calls, and each series answers `stream` notes: where its state came from (memory, store, or rebuilt from N points of history), gaps, detector resets, skipped samples. State is kept per series and step; groupBy is batch only */
            mode?: 'batch' | 'streaming';
            /** @description With groupBy: pca (default) = streaming PCA reconstruction error over the group's series; autoencoder = the shipped ONNX autoencoder (models/mvae, trained on simulator metrics) over a 6-step window, batched. The autoencoder maps the group's series to its features by name (request rate, cpu, latency p50/p95 or quantile 0.5/0.95, error, memory); unmatched series are left out, missing features count as normal. When the model is not available, or fewer than two series match, the group falls back to PCA and says why in its notes */
            multivariateDetector?: 'pca' | 'autoencoder';
            /** @description PromQL range expression; or give series */
            query?: string;
            series?: {
              labels?: {
                [key: string]: string;
              };
              /** @description Unix seconds, increasing */
              timestamps: number[];
              values: (number | string | (never | null))[];
            }[];
            start?: number | string;
            stepSeconds?: number;
            /** @description Overrides the per-series threshold */
            threshold?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The append-only audit trail, newest first */
    get: {
      parameters: {
        query?: {
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/automation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Loop status: mode, policy and breaker per managed service */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/automation/services/{service}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Set a service's automation mode */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          service: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            mode: 'recommend' | 'approve' | 'autonomous';
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/automation/services/{service}/resume': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume automation after the circuit breaker paused it */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          service: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/forecast': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Forecast every series of a PromQL range query (or inline series) with quantile bands, as Grafana data frames
     * @description Give either `query` + `start` (+ `end`, default now) + `stepSeconds`, or `series` inline; and exactly one of `horizon` (steps) or `horizonSeconds`. At most 50 series are forecast. Query answers are cached for one step (at least 15 s) per query, step-aligned range, step, horizon, quantiles and models; `cached` says when an answer came from the cache.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            end?: number | string;
            /** @description Steps to forecast (1..20000); or give horizonSeconds */
            horizon?: number;
            /** @description Forecast length in seconds, rounded up to whole steps */
            horizonSeconds?: number;
            /** @description Restrict the ensemble to these candidates */
            models?: string[];
            /** @description Quantile levels besides the median; default [0.1, 0.9]. Add 0.025 and 0.975 for a 95% band */
            quantiles?: number[];
            /** @description PromQL range expression (needs start and stepSeconds); or give series */
            query?: string;
            /** @description Inline series instead of a query (not cached) */
            series?: {
              labels?: {
                [key: string]: string;
              };
              /** @description Unix seconds, strictly increasing */
              timestamps: (number | null)[];
              /** @description One per timestamp; null or "NaN" marks a gap */
              values: (number | string | (never | null))[];
            }[];
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            start?: number | string;
            /** @description Query resolution; for inline series the sampling step (inferred from the timestamps when absent) */
            stepSeconds?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              cached: boolean;
              /** @description Deep forecasting models and whether they loaded */
              models: {
                card?: {
                  architecture?: string;
                  parameters?: number;
                  sha256?: string;
                  trainedAt?: string;
                  validation: {
                    [key: string]: {
                      coverage80: number | null;
                      mae: number | null;
                      pinball: number;
                      windows: number;
                    };
                  };
                };
                error?: string;
                file: string;
                name: string;
                state: 'loaded' | 'missing' | 'corrupt' | 'checksum_mismatch';
                version?: string;
              }[];
              series: {
                backtestMase: number | null;
                candidates: {
                  backtestMase: number | null;
                  model: string;
                  weight: number;
                }[];
                explanation: string;
                /** @description Grafana data frame: time (ms), value (history; null in the future), forecast (median; null in the history except at the last actual point), lower/upper (p10/p90), lower95/upper95 (p2.5/p97.5) and pN for other quantiles */
                frame: {
                  fields: {
                    /** @description Grafana field config (custom.lineStyle, custom.fillBelowTo, …) */
                    config?: {
                      [key: string]: unknown;
                    };
                    name: string;
                    type: 'time' | 'number';
                    values: (number | null)[];
                  }[];
                  name: string;
                };
                /** @description Forecast steps */
                horizon: number;
                labels: {
                  [key: string]: string;
                };
                model: string;
                name: string;
                reasons: {
                  code: string;
                  message: string;
                }[];
                /** @description Season length in steps, 0 when none */
                seasonPeriod: number;
                status: 'ok' | 'partial' | 'none';
                stepSeconds: number | null;
              }[];
              warnings: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/forecast/accuracy': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Forecast accuracy over time per model, drift against each model’s reference, and the ensemble’s realised accuracy per series
     * @description Deep models are judged on backtest MAE relative to the naive forecast against their model card’s validation mae/naiveMae; statistical candidates on backtest scaled MAE against their own first-day median; the ensemble on realised scaled MAE (forecasts scored once their horizon has passed) and realised 80% coverage.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              lastRun: {
                atMs: number;
                error?: string;
                forecasts: number;
                scored: number;
              } | null;
              /** @description About how long after the first forecast realised accuracy appears */
              maturesInMinutes?: number;
              message?: string;
              models: {
                coverageDrift: boolean;
                drift: boolean;
                kind: 'ensemble' | 'deep' | 'statistical';
                /** @description The metric drift is judged on */
                metric: 'backtestMase' | 'relativeToNaive' | 'realisedMase';
                model: string;
                /** @description Median across series per forecast time (coverage: mean), oldest first */
                points: {
                  /** @description Backtest scaled MAE on the series’ own history at t */
                  backtestMase?: number;
                  /** @description Realised share of actuals inside the 80% band (ensemble only) */
                  coverage80?: number;
                  /** @description Realised scaled MAE of the forecast issued at t (ensemble only, once matured) */
                  realisedMase?: number;
                  /** @description Backtest MAE relative to the naive (last value) candidate on the same windows */
                  relativeToNaive?: number;
                  /** @description Unix ms of the forecast */
                  t: number;
                }[];
                ratio: number | null;
                reason: string;
                reference: {
                  source: string;
                  value: number;
                } | null;
                rolling: number | null;
                rollingCoverage80: number | null;
                status: 'ok' | 'drift' | 'insufficient';
              }[];
              running: boolean;
              series: {
                key: string;
                labels: {
                  [key: string]: string;
                };
                lastIssuedMs: number;
                /** @description Model or ensemble chosen at the last forecast */
                model: string;
                name: string;
                pendingForecasts: number;
                query: string;
                realised: {
                  coverage80: number;
                  issuedAtMs: number;
                  mase: number;
                  points: number;
                  scaledPinball: number;
                  scoredAtMs: number;
                  wql: number | null;
                } | null;
              }[];
              settings?: {
                coverageFloor: number;
                driftThreshold: number;
                intervalSeconds: number;
                watches: {
                  horizon: number;
                  query: string;
                  stepSeconds: number;
                }[];
                windowSeconds: number;
              };
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/forecast/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The deep forecasting models (ONNX) and whether each loaded; the statistical candidates are always available */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              models: {
                card?: {
                  architecture?: string;
                  parameters?: number;
                  sha256?: string;
                  trainedAt?: string;
                  validation: {
                    [key: string]: {
                      coverage80: number | null;
                      mae: number | null;
                      pinball: number;
                      windows: number;
                    };
                  };
                };
                error?: string;
                file: string;
                name: string;
                state: 'loaded' | 'missing' | 'corrupt' | 'checksum_mismatch';
                version?: string;
              }[];
              /** @description Statistical candidates, always available */
              statistical: string[];
              warnings: string[];
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * State of the sidecar and of each dependency (up / degraded / down / disabled) with the last error
     * @description Answered from the last background probe of each dependency (refreshed every few seconds), so it is fast whatever the dependencies do. Always 200; use /api/v1/ready for a probe that fails.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              dependencies: {
                checkedAt: string;
                circuit?: {
                  consecutiveFailures: number;
                  retryAt?: string;
                  state: 'closed' | 'open' | 'half_open';
                };
                detail?: string;
                lastError?: {
                  at: string;
                  message: string;
                };
                latencyMs?: number;
                name: string;
                state: 'up' | 'degraded' | 'down' | 'disabled';
              }[];
              mode: 'demo' | 'live';
              status: 'up' | 'degraded' | 'down';
              uptimeSeconds: number;
              version: string;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/incidents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Incidents the sidecar opened itself when anomalies fired on the watched queries */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/label/{name}/values': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Values of one label (__name__: metric names), optionally only on series matching match[] */
    get: {
      parameters: {
        query?: {
          /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
          end?: number | string;
          /** @description Series selectors, e.g. up{job="api"}; repeat for several */
          'match[]'?: string | string[];
          /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
          start?: number | string;
        };
        header?: never;
        path: {
          name: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: string[];
              /** @enum {string} */
              status: 'success';
              truncated: boolean;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/query/instant': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Instant query against the configured telemetry source */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            query: string;
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            time?: number | string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              resultType: string;
              series: {
                labels: {
                  [key: string]: string;
                };
                /** @description [unix seconds, value]; NaN and ±Inf as the strings "NaN", "+Inf", "-Inf" */
                samples: (number | string)[][];
              }[];
              warnings: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/query/range': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Range query against the configured telemetry source */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            end?: number | string;
            /** @description PromQL expression */
            query: string;
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            start: number | string;
            stepSeconds: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              resultType: string;
              series: {
                labels: {
                  [key: string]: string;
                };
                /** @description [unix seconds, value]; NaN and ±Inf as the strings "NaN", "+Inf", "-Inf" */
                samples: (number | string)[][];
              }[];
              warnings: string[];
            };
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/rca': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Ranked root-cause candidates for a symptom over a window, with paths, evidence, tier and the graph */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            end?: number | string;
            /** @description One error-ratio series per service, labelled service */
            errorQuery?: string;
            /** @description One latency series per service, labelled service (default: the simulator's p95) */
            latencyQuery?: string;
            /** @description Window start: Unix s/ms, RFC 3339 or now-15m */
            start: number | string;
            stepSeconds?: number;
            /** @description The user-facing service (default: the entry service) */
            symptom?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/rca/graph': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Service dependency graph from traces (Node Graph frames) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            end?: number | string;
            /** @description Traces to sample (default 200; at most 50 from Tempo) */
            limit?: number;
            /** @description Unix s/ms, RFC 3339 or now-15m */
            start: number | string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Readiness: 503 while a required dependency is down or not checked yet, else 200
     * @description For orchestrator readiness probes (e.g. a Kubernetes readinessProbe). Read from the same cached probe results as /api/v1/health.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              failing: {
                name: string;
                reason: string;
                state: string;
              }[];
              ready: boolean;
              status: 'up' | 'degraded' | 'down';
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              failing: {
                name: string;
                reason: string;
                state: string;
              }[];
              ready: boolean;
              status: 'up' | 'degraded' | 'down';
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/series': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Label sets of the series matching match[] (label names for completion) */
    get: {
      parameters: {
        query?: {
          /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
          end?: number | string;
          /** @description Series selectors, e.g. up{job="api"}; repeat for several */
          'match[]'?: string | string[];
          /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
          start?: number | string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                [key: string]: string;
              }[];
              /** @enum {string} */
              status: 'success';
              truncated: boolean;
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sim/deployments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Deployments with replicas and HPA settings */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sim/deployments/{service}/hpa': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Set the service's HPA min/max/target */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          service: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            maxReplicas: number;
            minReplicas: number;
            targetCpuUtilization: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sim/deployments/{service}/replicas': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Set desired replicas (new pods are ready after the start-up delay) */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          service: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            replicas: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sim/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Scale, deploy and fault events */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sim/faults': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Ground truth: every injected fault {service, type, start, end} (code-level faults: operation, variant) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    /** Inject a fault (recorded as ground truth) */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            durationSeconds: number;
            intensity?: number;
            operation?: string;
            service: string;
            startInSeconds?: number;
            type:
              | 'cpu_contention'
              | 'latency'
              | 'error_burst'
              | 'memory_leak'
              | 'bad_deploy'
              | 'exception'
              | 'wrong_return';
            variant?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sim/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Current state of every service in the demo cluster */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/watch': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The queries the sidecar watches by itself (incidents, forecasts, prediction series): where each came from, its step and lookback chosen from the history available, and how long until it is ready */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The sidecar's own metrics in Prometheus text format */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sim/loki/api/v1/query_range': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The demo cluster's logs in Loki's query_range shape */
    get: {
      parameters: {
        query: {
          end?: string;
          limit?: number;
          /** @description LogQL stream selector, e.g. {service="cart"} or {service="cart", level="error"} */
          query: string;
          start?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sim/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The demo cluster's metrics in Prometheus text format (scrape target) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sim/tempo/api/search': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Recent traces in Tempo's search shape */
    get: {
      parameters: {
        query?: {
          end?: string;
          limit?: number;
          start?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/sim/tempo/api/traces/{traceId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One trace in Tempo's OTLP JSON shape */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          traceId: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: never;
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
