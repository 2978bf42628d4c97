/**
 * The Kubernetes actuator: changes a Deployment's replicas through its scale subresource and its
 * autoscaling/v2 HPA's minReplicas / maxReplicas / CPU utilisation target through JSON merge patches,
 * with optimistic concurrency (resourceVersion, re-read and retry on 409), server-side dry run, an
 * idempotency annotation (`aidpe.io/action-id`) and a time limit on every API call.
 *
 * Write order within one attempt: HPA (spec + annotation in one patch), then the scale subresource,
 * then the Deployment's annotation. The Deployment annotation is written last on purpose: it marks the
 * action as complete, so an apply interrupted half-way is not mistaken for `already_applied` and a retry
 * converges (writes already in place are skipped because the re-read shows them).
 */
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type {
  ConfigurationOptions,
  ObservableMiddleware,
  V2HorizontalPodAutoscalerSpec,
  V2MetricSpec,
} from '@kubernetes/client-node';
import { errorCode, isRecord, isTimeoutError, snippet } from '../telemetry/http/helpers.ts';
import type {
  ActionChange,
  ActuationErrorCode,
  ActuationRequest,
  ActuationResult,
  Actuator,
  HpaFields,
  RestoreState,
  ScaleTarget,
  WorkloadScaleState,
} from './types.ts';

/** The annotation that carries the id of the last AIDPE action applied to a workload (the idempotency key). */
export const ACTION_ID_ANNOTATION = 'aidpe.io/action-id';

/** Kubernetes defaults an HPA without metrics to an 80% CPU utilisation target. */
const DEFAULT_HPA_CPU_UTILIZATION_PERCENT = 80;

export interface KubernetesActuatorOptions {
  kubeConfig: KubeConfig;
  /** Time limit of each API call (read or write), in ms. */
  requestTimeoutMs?: number;
  /** Write attempts before a 409 Conflict is reported as `failed` with code `conflict`. */
  maxAttempts?: number;
  /** Base backoff between conflict retries (doubled each retry), in ms. */
  retryBackoffMs?: number;
  /** `fieldManager` recorded on every write (shows who changed a field in managedFields). */
  fieldManager?: string;
}

/** A failed Kubernetes API call, classified. `read` throws it; `apply` and `restore` turn it into a result. */
export class KubernetesActuatorError extends Error {
  readonly code: ActuationErrorCode;
  readonly httpStatus: number | undefined;
  constructor(code: ActuationErrorCode, message: string, httpStatus?: number) {
    super(message);
    this.name = 'KubernetesActuatorError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

// ---- pure parts ----------------------------------------------------------------------------------

/** HTTP status of a failed API call → the actuation error code. */
export function errorCodeForStatus(httpStatus: number): ActuationErrorCode {
  if (httpStatus === 401 || httpStatus === 403) {
    return 'forbidden';
  }
  if (httpStatus === 404) {
    return 'not_found';
  }
  if (httpStatus === 409) {
    return 'conflict';
  }
  if (httpStatus === 400 || httpStatus === 415 || httpStatus === 422) {
    return 'invalid';
  }
  if (httpStatus === 408 || httpStatus === 504) {
    return 'timeout';
  }
  if (httpStatus === 429 || httpStatus >= 500) {
    return 'unavailable';
  }
  return 'unknown';
}

/** The `message` of a Kubernetes `Status` body (a JSON string as the client hands it over), else a snippet of the body. */
export function statusMessage(body: unknown): string | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : snippet(body);
    }
  }
  if (isRecord(parsed) && typeof parsed.message === 'string' && parsed.message !== '') {
    return parsed.message;
  }
  return undefined;
}

/** Any failure of a client call (ApiException, abort, network error) → a classified error. */
export function classifyError(err: unknown, timeoutMs: number): KubernetesActuatorError {
  if (err instanceof KubernetesActuatorError) {
    return err;
  }
  if (err instanceof ApiException) {
    const status = err.code;
    const message =
      statusMessage(err.body) ??
      (status === 401 ? 'Unauthorized: the API server rejected the credentials' : `HTTP ${status}`);
    return new KubernetesActuatorError(errorCodeForStatus(status), message, status);
  }
  if (isTimeoutError(err)) {
    return new KubernetesActuatorError('timeout', `the Kubernetes API did not answer within ${timeoutMs} ms`);
  }
  const code = errorCode(err);
  const text = err instanceof Error ? err.message : String(err);
  if (
    code !== undefined &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(
      code
    )
  ) {
    return new KubernetesActuatorError('unavailable', `the Kubernetes API is unreachable (${code}): ${text}`);
  }
  return new KubernetesActuatorError('unknown', text);
}

function isCpuUtilizationMetric(m: V2MetricSpec): boolean {
  return m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization';
}

/** An autoscaling/v2 HPA spec → the fields AIDPE changes. Throws `invalid` when the HPA has metrics but no CPU utilisation target. */
export function hpaFieldsFromSpec(spec: V2HorizontalPodAutoscalerSpec, hpaName = 'the HPA'): HpaFields {
  const metrics = spec.metrics ?? [];
  let percent: number | undefined;
  if (metrics.length === 0) {
    percent = DEFAULT_HPA_CPU_UTILIZATION_PERCENT;
  } else {
    percent = metrics.find(isCpuUtilizationMetric)?.resource?.target.averageUtilization;
  }
  if (percent === undefined) {
    throw new KubernetesActuatorError(
      'invalid',
      `${hpaName} has no CPU Resource metric with a Utilization target; AIDPE's parametric mode changes only that target`
    );
  }
  return { minReplicas: spec.minReplicas ?? 1, maxReplicas: spec.maxReplicas, targetCpuUtilization: percent / 100 };
}

/** targetCpuUtilization (0..1) → the integer percentage autoscaling/v2 stores. */
export function utilizationPercent(targetCpuUtilization: number): number {
  return Math.round(targetCpuUtilization * 100);
}

/**
 * The merge patch of an HPA: bounds, and — when the CPU target changes — the whole `spec.metrics` list
 * (a merge patch replaces lists), with only the CPU utilisation target rewritten and every other metric kept.
 */
export function hpaMergePatch(
  current: V2HorizontalPodAutoscalerSpec,
  desired: HpaFields,
  actionId: string,
  resourceVersion: string | undefined
): Record<string, unknown> {
  const spec: Record<string, unknown> = { minReplicas: desired.minReplicas, maxReplicas: desired.maxReplicas };
  const percent = utilizationPercent(desired.targetCpuUtilization);
  const metrics = current.metrics ?? [];
  const cpuIndex = metrics.findIndex(isCpuUtilizationMetric);
  const currentPercent =
    metrics.length === 0 ? DEFAULT_HPA_CPU_UTILIZATION_PERCENT : metrics[cpuIndex]?.resource?.target.averageUtilization;
  if (currentPercent !== percent) {
    const cpuMetric = {
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } },
    };
    // JSON round trip: the client's model instances → plain objects for the request body.
    const plain = JSON.parse(JSON.stringify(metrics)) as Array<Record<string, unknown>>;
    if (cpuIndex >= 0) {
      const m = plain[cpuIndex] as { resource: { target: Record<string, unknown> } };
      m.resource.target = { ...m.resource.target, averageUtilization: percent };
    } else {
      plain.push(cpuMetric);
    }
    spec.metrics = plain;
  }
  return { metadata: metadataPatch(actionId, resourceVersion), spec };
}

/** The merge patch that tags an object with the action id (with resourceVersion as a precondition when known). */
export function annotationMergePatch(actionId: string, resourceVersion: string | undefined): Record<string, unknown> {
  return { metadata: metadataPatch(actionId, resourceVersion) };
}

function metadataPatch(actionId: string, resourceVersion: string | undefined): Record<string, unknown> {
  return {
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    annotations: { [ACTION_ID_ANNOTATION]: actionId },
  };
}

/** The Scale written through the scale subresource (PUT, with resourceVersion for optimistic concurrency). */
export function scaleBody(
  target: ScaleTarget,
  replicas: number,
  resourceVersion: string | undefined
): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: target.deployment,
      namespace: target.namespace,
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    },
    spec: { replicas },
  };
}

/** The state a change aims at, given the current one (HPA fields not named in the change stay as they are). */
export function desiredState(
  current: WorkloadScaleState,
  change: ActionChange
): { replicas: number; hpa: HpaFields | undefined } {
  const hpa = current.hpa === undefined ? undefined : { ...current.hpa };
  if (hpa !== undefined && change.hpa !== undefined) {
    if (change.hpa.minReplicas !== undefined) {
      hpa.minReplicas = change.hpa.minReplicas;
    }
    if (change.hpa.maxReplicas !== undefined) {
      hpa.maxReplicas = change.hpa.maxReplicas;
    }
    if (change.hpa.targetCpuUtilization !== undefined) {
      hpa.targetCpuUtilization = change.hpa.targetCpuUtilization;
    }
  }
  return { replicas: change.replicas ?? current.replicas, hpa };
}

export function hpaDiffers(a: HpaFields | undefined, b: HpaFields | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a !== b;
  }
  return (
    a.minReplicas !== b.minReplicas ||
    a.maxReplicas !== b.maxReplicas ||
    utilizationPercent(a.targetCpuUtilization) !== utilizationPercent(b.targetCpuUtilization)
  );
}

/** A change that cannot be sent at all (before any API call): the field named, or undefined when it is fine. */
export function changeProblem(target: ScaleTarget, change: ActionChange): string | undefined {
  if (change.replicas === undefined && change.hpa === undefined) {
    return 'change: names neither replicas nor hpa';
  }
  if (change.replicas !== undefined && (!Number.isInteger(change.replicas) || change.replicas < 0)) {
    return `change.replicas: must be an integer >= 0, got ${change.replicas}`;
  }
  if (change.hpa !== undefined) {
    if (target.hpa === undefined) {
      return 'change.hpa: the target has no HPA (target.hpa is not set)';
    }
    for (const key of ['minReplicas', 'maxReplicas'] as const) {
      const v = change.hpa[key];
      if (v !== undefined && !Number.isInteger(v)) {
        return `change.hpa.${key}: must be an integer, got ${v}`;
      }
    }
    const t = change.hpa.targetCpuUtilization;
    if (t !== undefined && !Number.isFinite(t)) {
      return `change.hpa.targetCpuUtilization: must be a finite number, got ${t}`;
    }
  }
  return undefined;
}

// ---- the actuator --------------------------------------------------------------------------------

interface RawRead {
  state: WorkloadScaleState;
  hpaSpec: V2HorizontalPodAutoscalerSpec | undefined;
}

/** Bounds each request of a generated API client (and reading its body) to `timeoutMs`. */
export function timeoutMiddleware(timeoutMs: number): ObservableMiddleware {
  return {
    pre: (context) => {
      // A fresh signal per request: it also bounds reading the response body.
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class KubernetesActuator implements Actuator {
  readonly kind = 'kubernetes' as const;
  private readonly apps: AppsV1Api;
  private readonly autoscaling: AutoscalingV2Api;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly fieldManager: string;
  private readonly plainOptions: ConfigurationOptions;
  private readonly mergePatchOptions: ConfigurationOptions;

  constructor(options: KubernetesActuatorOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBackoffMs = options.retryBackoffMs ?? 50;
    this.fieldManager = options.fieldManager ?? 'aidpe';
    if (!(this.timeoutMs > 0)) {
      throw new Error(`requestTimeoutMs: must be > 0, got ${this.timeoutMs}`);
    }
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new Error(`maxAttempts: must be an integer >= 1, got ${this.maxAttempts}`);
    }
    this.apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.autoscaling = options.kubeConfig.makeApiClient(AutoscalingV2Api);
    this.plainOptions = { middleware: [timeoutMiddleware(this.timeoutMs)], middlewareMergeStrategy: 'append' };
    // The generated client sends PATCH as application/json-patch+json unless told otherwise.
    this.mergePatchOptions = setHeaderOptions('Content-Type', PatchStrategy.MergePatch, this.plainOptions);
  }

  /** From the ambient configuration (KUBECONFIG, ~/.kube/config, or the in-cluster service account). */
  static fromDefaultConfig(options: Omit<KubernetesActuatorOptions, 'kubeConfig'> = {}): KubernetesActuator {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    return new KubernetesActuator({ ...options, kubeConfig });
  }

  async read(target: ScaleTarget): Promise<WorkloadScaleState> {
    return (await this.readRaw(target)).state;
  }

  apply(request: ActuationRequest): Promise<ActuationResult> {
    return this.execute(request.actionId, request.target, request.change, request.dryRun);
  }

  restore(actionId: string, target: ScaleTarget, state: RestoreState): Promise<ActuationResult> {
    // Only what the action changed comes back: a parametric action's replicas belong to the HPA again.
    const change: ActionChange = state.replicas !== undefined ? { replicas: state.replicas } : {};
    if (state.hpa !== undefined && target.hpa !== undefined) {
      change.hpa = { ...state.hpa };
    }
    return this.execute(actionId, target, change, false);
  }

  private async readRaw(target: ScaleTarget): Promise<RawRead> {
    try {
      const { deployment: name, namespace } = target;
      const [scale, deployment, hpa] = await Promise.all([
        this.apps.readNamespacedDeploymentScale({ name, namespace }, this.plainOptions),
        this.apps.readNamespacedDeployment({ name, namespace }, this.plainOptions),
        target.hpa === undefined
          ? undefined
          : this.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: target.hpa, namespace }, this.plainOptions),
      ]);
      const state: WorkloadScaleState = {
        replicas: scale.spec?.replicas ?? 0,
        resourceVersions: { scale: scale.metadata?.resourceVersion },
      };
      const lastActionId = deployment.metadata?.annotations?.[ACTION_ID_ANNOTATION];
      if (lastActionId !== undefined) {
        state.lastActionId = lastActionId;
      }
      if (hpa !== undefined) {
        if (hpa.spec === undefined) {
          throw new KubernetesActuatorError('invalid', `HPA ${namespace}/${target.hpa} has no spec`);
        }
        state.hpa = hpaFieldsFromSpec(hpa.spec, `HPA ${namespace}/${target.hpa}`);
        state.resourceVersions = { ...state.resourceVersions, hpa: hpa.metadata?.resourceVersion };
        const hpaActionId = hpa.metadata?.annotations?.[ACTION_ID_ANNOTATION];
        if (hpaActionId !== undefined) {
          state.hpaActionId = hpaActionId;
        }
      }
      return { state, hpaSpec: hpa?.spec };
    } catch (e) {
      throw classifyError(e, this.timeoutMs);
    }
  }

  private async execute(
    actionId: string,
    target: ScaleTarget,
    change: ActionChange,
    dryRun: boolean
  ): Promise<ActuationResult> {
    const problem = changeProblem(target, change);
    if (problem !== undefined) {
      return { status: 'failed', before: undefined, attempts: 0, error: { code: 'invalid', message: problem } };
    }
    let before: WorkloadScaleState | undefined;
    let attempts = 0;
    // What this apply has persisted so far: after a partial write, a re-read no longer shows the before-state.
    const written: string[] = [];
    for (;;) {
      let current: RawRead;
      try {
        current = await this.readRaw(target);
      } catch (e) {
        return this.failed(before, attempts, e, written);
      }
      if (written.length === 0) {
        before = current.state;
      }
      if (current.state.lastActionId === actionId) {
        return { status: 'already_applied', before, after: current.state, attempts };
      }
      attempts += 1;
      try {
        const after = await this.writeOnce(actionId, target, current, change, dryRun, written);
        return { status: dryRun ? 'dry_run' : 'applied', before, after, attempts };
      } catch (e) {
        const err = classifyError(e, this.timeoutMs);
        if (err.code === 'conflict' && attempts < this.maxAttempts) {
          await sleep(this.retryBackoffMs * 2 ** (attempts - 1));
          continue;
        }
        return this.failed(before, attempts, err, written);
      }
    }
  }

  private async writeOnce(
    actionId: string,
    target: ScaleTarget,
    current: RawRead,
    change: ActionChange,
    dryRun: boolean,
    written: string[]
  ): Promise<WorkloadScaleState> {
    const { namespace } = target;
    const dryRunParam = dryRun ? 'All' : undefined;
    const desired = desiredState(current.state, change);
    const after: WorkloadScaleState = {
      ...current.state,
      hpa: current.state.hpa === undefined ? undefined : { ...current.state.hpa },
      resourceVersions: { ...current.state.resourceVersions },
    };
    if (after.hpa === undefined) {
      delete after.hpa;
    }

    if (
      target.hpa !== undefined &&
      current.hpaSpec !== undefined &&
      desired.hpa !== undefined &&
      hpaDiffers(current.state.hpa, desired.hpa)
    ) {
      const hpa = await this.autoscaling.patchNamespacedHorizontalPodAutoscaler(
        {
          name: target.hpa,
          namespace,
          body: hpaMergePatch(current.hpaSpec, desired.hpa, actionId, current.state.resourceVersions?.hpa),
          dryRun: dryRunParam,
          fieldManager: this.fieldManager,
        },
        this.mergePatchOptions
      );
      if (!dryRun) {
        written.push(`HPA ${namespace}/${target.hpa}`);
      }
      if (hpa.spec !== undefined) {
        after.hpa = hpaFieldsFromSpec(hpa.spec, `HPA ${namespace}/${target.hpa}`);
      }
      after.hpaActionId = actionId;
      after.resourceVersions = { ...after.resourceVersions, hpa: hpa.metadata?.resourceVersion };
    }

    // The scale subresource shares the Deployment's resourceVersion; track it for the annotation write.
    let deploymentVersion = current.state.resourceVersions?.scale;
    if (desired.replicas !== current.state.replicas) {
      const scale = await this.apps.replaceNamespacedDeploymentScale(
        {
          name: target.deployment,
          namespace,
          body: scaleBody(target, desired.replicas, deploymentVersion),
          dryRun: dryRunParam,
          fieldManager: this.fieldManager,
        },
        this.plainOptions
      );
      if (!dryRun) {
        written.push(`scale of ${namespace}/${target.deployment}`);
        deploymentVersion = scale.metadata?.resourceVersion ?? deploymentVersion;
      }
      after.replicas = scale.spec?.replicas ?? desired.replicas;
    }

    const deployment = await this.apps.patchNamespacedDeployment(
      {
        name: target.deployment,
        namespace,
        body: annotationMergePatch(actionId, deploymentVersion),
        dryRun: dryRunParam,
        fieldManager: this.fieldManager,
      },
      this.mergePatchOptions
    );
    const tagged = deployment.metadata?.annotations?.[ACTION_ID_ANNOTATION];
    if (tagged !== undefined) {
      after.lastActionId = tagged;
    }
    after.resourceVersions = {
      ...after.resourceVersions,
      scale: deployment.metadata?.resourceVersion ?? deploymentVersion,
    };
    return after;
  }

  private failed(
    before: WorkloadScaleState | undefined,
    attempts: number,
    e: unknown,
    written: string[]
  ): ActuationResult {
    const err = classifyError(e, this.timeoutMs);
    const partial = written.length > 0 ? ` (already written before the failure: ${written.join(', ')})` : '';
    const error: NonNullable<ActuationResult['error']> = { code: err.code, message: `${err.message}${partial}` };
    if (err.httpStatus !== undefined) {
      error.httpStatus = err.httpStatus;
    }
    return { status: 'failed', before, attempts, error };
  }
}
