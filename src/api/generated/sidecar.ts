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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              actions: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              }[];
              automation: {
                actuator: 'simulator' | 'kubernetes';
                intervalSeconds: number;
                lastError?: string;
                lastRunAt?: string;
                /** @description Which replica acts (leader election among sidecar replicas), when one is configured */
                leadership?: {
                  identity: string;
                  kind: 'kubernetes-lease' | 'postgres-advisory-lock' | 'single-replica';
                  leading: boolean;
                };
                running: boolean;
                services: {
                  breaker: {
                    open: boolean;
                    openedAt?: string;
                    reason?: string;
                  };
                  integration: 'parametric' | 'direct';
                  lastError?: string;
                  mode: 'recommend' | 'approve' | 'autonomous';
                  policy: string;
                  service: string;
                }[];
              } | null;
              /** @description Why there is no action loop, when there is none */
              message?: string;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
  '/api/v1/actions/{id}/resolve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Settle an action a crash left applying or rolling_back, from what its workload shows
     * @description The same completion the sidecar runs on start: an action (or rollback) whose id the workload carries is applied, one it does not is failed and its original stays applied. 409 when the action is not in flight; 503 when the workload cannot be read now.
     */
    post: {
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
              rollback?: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
              rollback: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
  '/api/v1/actions/approve/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve a pending action (verb first: the route the Grafana plugin guards) */
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
  '/api/v1/actions/reject/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reject a proposed or pending action (verb first) */
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
  '/api/v1/actions/rollback/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Roll back an applied action (verb first: guarded by the rollback permission) */
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              action: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
              rollback: {
                after?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                before?: {
                  hpa?: {
                    maxReplicas: number;
                    minReplicas: number;
                    /** @description 0..1 */
                    targetCpuUtilization: number;
                  };
                  /** @description The action whose id the HPA carries (written with it) */
                  hpaActionId?: string;
                  lastActionId?: string;
                  replicas: number;
                  resourceVersions?: {
                    hpa?: string;
                    scale?: string;
                  };
                };
                change: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                createdAt: string;
                decidedAt?: string;
                decidedBy?: string;
                decisionNote?: string;
                error?: string;
                forecast?: {
                  horizonSeconds: number;
                  p10?: number;
                  p50: number;
                  p90: number;
                };
                guard: {
                  decisions: {
                    action: 'allowed' | 'clamped' | 'rejected';
                    reason: string;
                    rule: string;
                  }[];
                  outcome: 'allowed' | 'modified' | 'rejected' | 'noop';
                };
                id: string;
                integration: 'parametric' | 'direct';
                mode: 'recommend' | 'approve' | 'autonomous';
                modelVersion?: string;
                observed?: {
                  cpuUtilization: number | null;
                  latencyP95Ms: number | null;
                  requestRateRps: number | null;
                  sloMs: number;
                };
                outcome?: {
                  latencyP95AfterMs: number | null;
                  latencyP95BeforeMs: number | null;
                  measuredAt: string;
                  replicasAfter: number;
                  replicasBefore: number;
                  sloMs: number;
                  verdict: 'improved' | 'neutral' | 'worse';
                };
                policy: string;
                predictedEffect?: {
                  capacityRpsAfter?: number;
                  capacityRpsBefore?: number;
                  forecastP90Rps?: number;
                  replicasAfter: number;
                  replicasBefore: number;
                };
                proposed: {
                  hpa?: {
                    maxReplicas?: number;
                    minReplicas?: number;
                    /** @description 0..1 */
                    targetCpuUtilization?: number;
                  };
                  replicas?: number;
                };
                reason: string;
                /** @description The rollback record, once a rollback has started */
                rollbackActionId?: string;
                /** @description Rollback records: the action this one rolls back */
                rollbackOf?: string;
                rolledBackAt?: string;
                rolledBackBy?: string;
                service: string;
                status:
                  | 'proposed'
                  | 'pending_approval'
                  | 'applying'
                  | 'applied'
                  | 'failed'
                  | 'rejected'
                  | 'expired'
                  | 'rolling_back'
                  | 'rolled_back';
                target: {
                  deployment: string;
                  hpa?: string;
                  namespace: string;
                  service: string;
                };
                updatedAt: string;
              };
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
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
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
              values: (number | string | null)[];
            }[];
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            start?: number | string;
            stepSeconds?: number;
            /** @description Overrides the per-series threshold */
            threshold?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The regions as Grafana annotation events */
              annotations: {
                id: string;
                tags: string[];
                text: string;
                time: number;
                timeEnd: number;
                title: string;
              }[];
              /** @description With groupBy: one multivariate result per group */
              groups?: {
                detector: 'pca' | 'autoencoder';
                frame?: {
                  fields: {
                    /** @description Grafana field config (min, max, custom.axisPlacement, …) */
                    config?: {
                      [key: string]: unknown;
                    };
                    name: string;
                    type: 'time' | 'number';
                    values: (number | null)[];
                  }[];
                  name: string;
                };
                groupBy: string;
                metrics: string[];
                notes: string[];
                reason?: string;
                regions: {
                  /** @description The metrics that carried most of the residual over the region, largest first */
                  contributors: {
                    metric: string;
                    share: number;
                  }[];
                  endMs: number;
                  id: string;
                  /** @description Streaming mode: the region is still open */
                  ongoing?: boolean;
                  peakMs: number;
                  peakScore: number;
                  points: number;
                  seriesKey: string;
                  severity: 'low' | 'medium' | 'high' | 'critical';
                  startMs: number;
                }[];
                seriesKey: string;
                status: 'ok' | 'insufficient_data';
                threshold: number;
                value: string;
              }[];
              mode: 'batch' | 'streaming';
              series: {
                detector: 'art-residual' | 'art' | 'residual-likelihood' | 'aidpe' | 'artime' | 'ensemble';
                frame: {
                  fields: {
                    /** @description Grafana field config (min, max, custom.axisPlacement, …) */
                    config?: {
                      [key: string]: unknown;
                    };
                    name: string;
                    type: 'time' | 'number';
                    values: (number | null)[];
                  }[];
                  name: string;
                };
                labels: {
                  [key: string]: string;
                };
                name: string;
                reason?: string;
                regions: {
                  endMs: number;
                  id: string;
                  /** @description Streaming mode: the region is still open */
                  ongoing?: boolean;
                  peakMs: number;
                  peakScore: number;
                  points: number;
                  seriesKey: string;
                  severity: 'low' | 'medium' | 'high' | 'critical';
                  startMs: number;
                }[];
                seriesKey: string;
                status: 'ok' | 'insufficient_data' | 'constant';
                stream?: {
                  fed: number;
                  gaps: {
                    fromMs: number;
                    reset: boolean;
                    steps: number;
                    toMs: number;
                  }[];
                  lastScoredMs: number | null;
                  notes: string[];
                  origin: 'memory' | 'store' | 'new' | 'rebuilt';
                  skipped: {
                    alreadyScored: number;
                    nonFinite: number;
                  };
                };
                threshold: number;
                thresholdSource: 'default' | 'feedback' | 'request';
              }[];
              /** @description False without a store: feedback cannot be kept (503) */
              storeAvailable: boolean;
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
            verdict: 'true_positive' | 'false_positive';
          };
        };
      };
      responses: {
        /** @description Default Response */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              createdAt: string;
              id: number;
              reason: string;
              regionId: string;
              seriesKey: string;
              thresholdAfter: number;
              thresholdBefore: number;
              user: string;
              verdict: 'true_positive' | 'false_positive';
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              feedback: {
                createdAt: string;
                id: number;
                reason: string;
                regionId: string;
                seriesKey: string;
                thresholdAfter: number;
                thresholdBefore: number;
                user: string;
                verdict: 'true_positive' | 'false_positive';
              }[];
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
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
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
              values: (number | string | null)[];
            }[];
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            start?: number | string;
            stepSeconds?: number;
            /** @description Overrides the per-series threshold */
            threshold?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The regions as Grafana annotation events */
              annotations: {
                id: string;
                tags: string[];
                text: string;
                time: number;
                timeEnd: number;
                title: string;
              }[];
              /** @description With groupBy: one multivariate result per group */
              groups?: {
                detector: 'pca' | 'autoencoder';
                frame?: {
                  fields: {
                    /** @description Grafana field config (min, max, custom.axisPlacement, …) */
                    config?: {
                      [key: string]: unknown;
                    };
                    name: string;
                    type: 'time' | 'number';
                    values: (number | null)[];
                  }[];
                  name: string;
                };
                groupBy: string;
                metrics: string[];
                notes: string[];
                reason?: string;
                regions: {
                  /** @description The metrics that carried most of the residual over the region, largest first */
                  contributors: {
                    metric: string;
                    share: number;
                  }[];
                  endMs: number;
                  id: string;
                  /** @description Streaming mode: the region is still open */
                  ongoing?: boolean;
                  peakMs: number;
                  peakScore: number;
                  points: number;
                  seriesKey: string;
                  severity: 'low' | 'medium' | 'high' | 'critical';
                  startMs: number;
                }[];
                seriesKey: string;
                status: 'ok' | 'insufficient_data';
                threshold: number;
                value: string;
              }[];
              mode: 'batch' | 'streaming';
              series: {
                detector: 'art-residual' | 'art' | 'residual-likelihood' | 'aidpe' | 'artime' | 'ensemble';
                frame: {
                  fields: {
                    /** @description Grafana field config (min, max, custom.axisPlacement, …) */
                    config?: {
                      [key: string]: unknown;
                    };
                    name: string;
                    type: 'time' | 'number';
                    values: (number | null)[];
                  }[];
                  name: string;
                };
                labels: {
                  [key: string]: string;
                };
                name: string;
                reason?: string;
                regions: {
                  endMs: number;
                  id: string;
                  /** @description Streaming mode: the region is still open */
                  ongoing?: boolean;
                  peakMs: number;
                  peakScore: number;
                  points: number;
                  seriesKey: string;
                  severity: 'low' | 'medium' | 'high' | 'critical';
                  startMs: number;
                }[];
                seriesKey: string;
                status: 'ok' | 'insufficient_data' | 'constant';
                stream?: {
                  fed: number;
                  gaps: {
                    fromMs: number;
                    reset: boolean;
                    steps: number;
                    toMs: number;
                  }[];
                  lastScoredMs: number | null;
                  notes: string[];
                  origin: 'memory' | 'store' | 'new' | 'rebuilt';
                  skipped: {
                    alreadyScored: number;
                    nonFinite: number;
                  };
                };
                threshold: number;
                thresholdSource: 'default' | 'feedback' | 'request';
              }[];
              /** @description False without a store: feedback cannot be kept (503) */
              storeAvailable: boolean;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              entries: {
                action: string;
                actor: string;
                at: string;
                /** @description What the entry records (the action as changed, the credential that vouched for the actor) */
                details: {
                  [key: string]: unknown;
                };
                id: number;
                subject: string;
              }[];
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              actuator?: 'simulator' | 'kubernetes';
              intervalSeconds?: number;
              lastError?: string;
              lastRunAt?: string;
              /** @description Which replica acts (leader election among sidecar replicas), when one is configured */
              leadership?: {
                identity: string;
                kind: 'kubernetes-lease' | 'postgres-advisory-lock' | 'single-replica';
                leading: boolean;
              };
              message?: string;
              running: boolean;
              services: {
                breaker: {
                  open: boolean;
                  openedAt?: string;
                  reason?: string;
                };
                integration: 'parametric' | 'direct';
                lastError?: string;
                mode: 'recommend' | 'approve' | 'autonomous';
                policy: string;
                service: string;
              }[];
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              actuator: 'simulator' | 'kubernetes';
              intervalSeconds: number;
              lastError?: string;
              lastRunAt?: string;
              /** @description Which replica acts (leader election among sidecar replicas), when one is configured */
              leadership?: {
                identity: string;
                kind: 'kubernetes-lease' | 'postgres-advisory-lock' | 'single-replica';
                leading: boolean;
              };
              running: boolean;
              services: {
                breaker: {
                  open: boolean;
                  openedAt?: string;
                  reason?: string;
                };
                integration: 'parametric' | 'direct';
                lastError?: string;
                mode: 'recommend' | 'approve' | 'autonomous';
                policy: string;
                service: string;
              }[];
            };
          };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              actuator: 'simulator' | 'kubernetes';
              intervalSeconds: number;
              lastError?: string;
              lastRunAt?: string;
              /** @description Which replica acts (leader election among sidecar replicas), when one is configured */
              leadership?: {
                identity: string;
                kind: 'kubernetes-lease' | 'postgres-advisory-lock' | 'single-replica';
                leading: boolean;
              };
              running: boolean;
              services: {
                breaker: {
                  open: boolean;
                  openedAt?: string;
                  reason?: string;
                };
                integration: 'parametric' | 'direct';
                lastError?: string;
                mode: 'recommend' | 'approve' | 'autonomous';
                policy: string;
                service: string;
              }[];
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
              values: (number | string | null)[];
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
                      naiveMae?: number | null;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
                      naiveMae?: number | null;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              incidents: {
                endMs: number;
                id: string;
                labels: {
                  [key: string]: string;
                };
                openedAtMs: number;
                peakScore: number;
                query: string;
                series: string;
                severity: 'low' | 'medium' | 'high' | 'critical';
                startMs: number;
                status: 'open' | 'resolved';
                title: string;
              }[];
              lastRun?: {
                atMs: number;
                error?: string;
                states?: {
                  fromMemory: number;
                  fromStore: number;
                  notes: string[];
                  pointsScored: number;
                  rebuilt: number;
                };
              } | null;
              message?: string;
              /** @description False when the watcher does not run (it runs in demo mode) */
              running: boolean;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            end?: number | string;
            /** @description One error-ratio series per service, labelled service */
            errorQuery?: string;
            /** @description One latency series per service, labelled service (default: the simulator's p95) */
            latencyQuery?: string;
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            start: number | string;
            stepSeconds?: number;
            /** @description The user-facing service (default: the entry service) */
            symptom?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              candidates: {
                evidence: string[];
                /** @description The exact queries behind the evidence, from the baseline start to the window end */
                evidenceQueries: {
                  endMs: number;
                  language: 'promql' | 'logql' | 'traceql';
                  query: string;
                  signal: 'latency' | 'errors' | 'memory' | 'logs' | 'traces';
                  startMs: number;
                  stepSeconds?: number;
                }[];
                evidenceScore?: number | null;
                /** @description With the learned scorer: its evidence features */
                features?: {
                  [key: string]: number;
                };
                pagerank?: number | null;
                /** @description Symptom → … → candidate, along calls */
                path: string[];
                /** @description With the learned scorer: the probability that it is the root cause */
                probability?: number;
                score: number;
                service: string;
                /** @description The queries behind its typed evidence (for Explore links) */
                signalQueries?: {
                  kind: string;
                  language: 'promql' | 'logql' | 'traceql';
                  query: string;
                }[];
                whyLower?: string;
              }[];
              evidence: {
                errorOnsetMs?: number | null;
                errorScore: number;
                latencyOnsetMs?: number | null;
                latencyScore: number;
                logAnomaly?: {
                  frequencyScore?: number | null;
                  score: number;
                  sequenceScore?: number | null;
                  summary: string;
                };
                ownErrorRateBaseline?: number | null;
                ownErrorRateIncident?: number | null;
                ownSignals?: {
                  line: string;
                  strength: number;
                }[];
                resourceOnsetMs?: number | null;
                resourceScore?: number | null;
                selfMsBaseline?: number | null;
                selfMsIncident?: number | null;
                service: string;
                /** @description Typed evidence (code level: operations, log templates) */
                signals?: {
                  kind: string;
                  line: string;
                  query?: {
                    language: 'promql' | 'logql' | 'traceql';
                    query: string;
                  };
                  strength: number;
                }[];
              }[];
              explanation: string;
              /** @description [nodes, edges] */
              frames: {
                fields: {
                  /** @description Grafana field config */
                  config?: {
                    [key: string]: unknown;
                  };
                  name: string;
                  type: 'string' | 'number';
                  values: (string | number | null)[];
                }[];
                /** @description Frame meta: preferredVisualisationType nodeGraph */
                meta?: {
                  [key: string]: unknown;
                };
                name: string;
              }[];
              graph: {
                edges: {
                  calls: number;
                  errorRate: number | null;
                  errors: number;
                  id: string;
                  p50Ms: number | null;
                  p95Ms: number | null;
                  rate: number | null;
                  source: string;
                  target: string;
                }[];
                nodes: {
                  downstreamMsMean: number | null;
                  entry: boolean;
                  errorRate: number | null;
                  errors: number;
                  id: string;
                  p50Ms: number | null;
                  p95Ms: number | null;
                  rate: number | null;
                  requests: number;
                  selfMsMean: number | null;
                }[];
                notes?: string[];
                quality?: {
                  clampedSelfTimeSpans: number;
                  orphanSpans: number;
                  skewedSpans: number;
                };
                source?: 'spans' | 'tempo-service-graph-metrics';
                spans: number;
                traces: number;
                windowSeconds: number;
              };
              graphSource: 'simulator' | 'tempo' | 'tempo-service-graph-metrics';
              graphSourceDetail: string;
              logNotes?: string[];
              notes?: string[];
              queries: {
                errors: string;
                latency: string;
                resources?: string;
                stepSeconds: number;
              };
              symptom: string;
              tier: 'CONFIRMED' | 'LIKELY' | 'INCONCLUSIVE';
              window: {
                baselineStartMs: number;
                endMs: number;
                startMs: number;
              };
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
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            end?: number | string;
            /** @description Traces to sample (default 200; at most 50 from Tempo) */
            limit?: number;
            /** @description Unix seconds, Unix milliseconds, an RFC 3339 time, or relative to now such as "now-1h" */
            start: number | string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description [nodes, edges] */
              frames: {
                fields: {
                  /** @description Grafana field config */
                  config?: {
                    [key: string]: unknown;
                  };
                  name: string;
                  type: 'string' | 'number';
                  values: (string | number | null)[];
                }[];
                /** @description Frame meta: preferredVisualisationType nodeGraph */
                meta?: {
                  [key: string]: unknown;
                };
                name: string;
              }[];
              graph: {
                edges: {
                  calls: number;
                  errorRate: number | null;
                  errors: number;
                  id: string;
                  p50Ms: number | null;
                  p95Ms: number | null;
                  rate: number | null;
                  source: string;
                  target: string;
                }[];
                nodes: {
                  downstreamMsMean: number | null;
                  entry: boolean;
                  errorRate: number | null;
                  errors: number;
                  id: string;
                  p50Ms: number | null;
                  p95Ms: number | null;
                  rate: number | null;
                  requests: number;
                  selfMsMean: number | null;
                }[];
                notes?: string[];
                quality?: {
                  clampedSelfTimeSpans: number;
                  orphanSpans: number;
                  skewedSpans: number;
                };
                source?: 'spans' | 'tempo-service-graph-metrics';
                spans: number;
                traces: number;
                windowSeconds: number;
              };
              source: 'simulator' | 'tempo' | 'tempo-service-graph-metrics';
              sourceDetail: string;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The HPA; absent when the service has none */
              hpa?: {
                /** @description autoscaling/v2 behavior (scale-up/down rules) */
                behavior?: {
                  [key: string]: unknown;
                };
                maxReplicas: number;
                minReplicas: number;
                targetCpuUtilization: number;
              };
              pods: {
                name: string;
                ready: boolean;
                restarts: number;
                version: string;
              }[];
              readyReplicas: number;
              replicas: number;
              service: string;
              /** @description The service's simulated spec (tier, capacity, calls, resources) */
              spec: {
                [key: string]: unknown;
              };
              startingReplicas: number;
              version: string;
            }[];
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The HPA; absent when the service has none */
              hpa?: {
                /** @description autoscaling/v2 behavior (scale-up/down rules) */
                behavior?: {
                  [key: string]: unknown;
                };
                maxReplicas: number;
                minReplicas: number;
                targetCpuUtilization: number;
              };
              pods: {
                name: string;
                ready: boolean;
                restarts: number;
                version: string;
              }[];
              readyReplicas: number;
              replicas: number;
              service: string;
              /** @description The service's simulated spec (tier, capacity, calls, resources) */
              spec: {
                [key: string]: unknown;
              };
              startingReplicas: number;
              version: string;
            };
          };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @description The HPA; absent when the service has none */
              hpa?: {
                /** @description autoscaling/v2 behavior (scale-up/down rules) */
                behavior?: {
                  [key: string]: unknown;
                };
                maxReplicas: number;
                minReplicas: number;
                targetCpuUtilization: number;
              };
              pods: {
                name: string;
                ready: boolean;
                restarts: number;
                version: string;
              }[];
              readyReplicas: number;
              replicas: number;
              service: string;
              /** @description The service's simulated spec (tier, capacity, calls, resources) */
              spec: {
                [key: string]: unknown;
              };
              startingReplicas: number;
              version: string;
            };
          };
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              faultId?: string;
              from?: number | string;
              message: string;
              pod?: string;
              service: string;
              timeMs: number;
              to?: number | string;
              type: string;
            }[];
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              endMs: number;
              id: string;
              intensity: number;
              /** @description Code-level faults: the faulty operation */
              operation?: string;
              service: string;
              startMs: number;
              type:
                | 'cpu_contention'
                | 'latency'
                | 'error_burst'
                | 'memory_leak'
                | 'bad_deploy'
                | 'exception'
                | 'wrong_return';
              /** @description Code-level faults: the exception class or wrong-return variant */
              variant?: string;
            }[];
          };
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
            /** @description At least a second */
            durationSeconds: number;
            intensity?: number;
            /** @description exception / wrong_return only: the faulty operation (default: drawn from the fault id) */
            operation?: string;
            service: string;
            /** @description Seconds after the simulated now; default 0 */
            startInSeconds?: number;
            type:
              | 'cpu_contention'
              | 'latency'
              | 'error_burst'
              | 'memory_leak'
              | 'bad_deploy'
              | 'exception'
              | 'wrong_return';
            /** @description exception: the exception class; wrong_return: 'empty' or 'inflated' (default: drawn from the fault id) */
            variant?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              endMs: number;
              id: string;
              intensity: number;
              /** @description Code-level faults: the faulty operation */
              operation?: string;
              service: string;
              startMs: number;
              type:
                | 'cpu_contention'
                | 'latency'
                | 'error_burst'
                | 'memory_leak'
                | 'bad_deploy'
                | 'exception'
                | 'wrong_return';
              /** @description Code-level faults: the exception class or wrong-return variant */
              variant?: string;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              seed: number;
              services: {
                activeFaults: (
                  | 'cpu_contention'
                  | 'latency'
                  | 'error_burst'
                  | 'memory_leak'
                  | 'bad_deploy'
                  | 'exception'
                  | 'wrong_return'
                )[];
                arrivalRps: number | null;
                cpuCores: number | null;
                cpuUtilization: number | null;
                errorRatio: number | null;
                /** @description The HPA; absent when the service has none */
                hpa?: {
                  /** @description autoscaling/v2 behavior (scale-up/down rules) */
                  behavior?: {
                    [key: string]: unknown;
                  };
                  maxReplicas: number;
                  minReplicas: number;
                  targetCpuUtilization: number;
                };
                latencyP50Ms: number | null;
                latencyP95Ms: number | null;
                latencyP99Ms: number | null;
                memoryBytes: number | null;
                queueBacklog: number | null;
                replicas: {
                  desired: number;
                  ready: number;
                  starting: number;
                };
                service: string;
                throughputRps: number | null;
                tier: string;
                version: string;
              }[];
              timeMs: number;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              anomalies: {
                availableSeconds?: number;
                error?: string;
                horizonSeconds?: number;
                id: string;
                kind: 'anomaly' | 'forecast';
                lookbackSeconds?: number;
                /** @description simulator default, managed service SLI, managed service request rate, configured */
                origin: string;
                query: string;
                readyInSeconds?: number;
                resolution?: string;
                service?: string;
                /** @description latency_p95_seconds, error_ratio, request_rate or custom */
                signal: string;
                state: 'ready' | 'warming up' | 'not resolved yet' | 'error';
                stepSeconds?: number;
                why: string;
              }[];
              forecasts: {
                availableSeconds?: number;
                error?: string;
                horizonSeconds?: number;
                id: string;
                kind: 'anomaly' | 'forecast';
                lookbackSeconds?: number;
                /** @description simulator default, managed service SLI, managed service request rate, configured */
                origin: string;
                query: string;
                readyInSeconds?: number;
                resolution?: string;
                service?: string;
                /** @description latency_p95_seconds, error_ratio, request_rate or custom */
                signal: string;
                state: 'ready' | 'warming up' | 'not resolved yet' | 'error';
                stepSeconds?: number;
                why: string;
              }[];
              lastRun?: {
                atMs: number;
                error?: string;
              } | null;
              mode: 'demo' | 'live';
              notes: string[];
              predictions: {
                capped: boolean;
                dropped: number;
                leadTimesSeconds: number[];
                maxSeries: number;
                metrics: string[];
                series: number;
              } | null;
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
          content: {
            'text/plain': string;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              data: {
                result: {
                  stream: {
                    [key: string]: string;
                  };
                  /** @description [Unix nanoseconds, line] */
                  values: string[][];
                }[];
                /** @enum {string} */
                resultType: 'streams';
              };
              /** @enum {string} */
              status: 'success';
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
          content: {
            'text/plain': string;
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              traces: {
                durationMs: number;
                rootServiceName: string;
                rootTraceName: string;
                startTimeUnixNano: string;
                traceID: string;
              }[];
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
        '4XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        '5XX': {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              code?: string;
              error: string;
              /** @description The request field at fault (4xx), in the API notation */
              field?: string;
              message: string;
              /** @description The upstream query that failed */
              query?: string;
              statusCode: number;
              upstreamMessage?: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              batches: {
                resource: {
                  attributes: {
                    key: string;
                    value: {
                      stringValue: string;
                    };
                  }[];
                };
                scopeSpans: {
                  scope: {
                    name: string;
                  };
                  spans: {
                    endTimeUnixNano: string;
                    kind: string;
                    name: string;
                    parentSpanId?: string;
                    spanId: string;
                    startTimeUnixNano: string;
                    status: {
                      code: string;
                    };
                    traceId: string;
                  }[];
                }[];
              }[];
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
