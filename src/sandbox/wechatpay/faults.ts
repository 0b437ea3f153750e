import { paramError } from './api-error.js';
import { isEndpointName, type EndpointName } from './route.js';

/**
 * `latency`, `status`, `drop` act before the request is handled (nothing changes); `delay-answer`
 * and `drop-answer` after it (the change is applied, its answer is late or lost: an unknown outcome).
 */
export type FaultKind = 'latency' | 'status' | 'drop' | 'tamper-signature' | 'delay-answer' | 'drop-answer';

interface Fault {
  endpoint: EndpointName | undefined;
  kind: FaultKind;
  ms: number;
  status: number;
  remaining: number;
  /** Real time (not the injected clock, which tests often freeze). */
  until: number;
}

/** What to do to one request: all matching faults apply together. */
export interface AppliedFaults {
  latencyMs: number;
  status: number | null;
  drop: boolean;
  tamper: boolean;
  answerDelayMs: number;
  dropAnswer: boolean;
}

export interface FaultInjector {
  /** Validates a `POST /sandbox/faults` body and arms it; throws 400 PARAM_ERROR. */
  add(body: Record<string, unknown>): void;
  take(endpoint: EndpointName): AppliedFaults;
  clear(): void;
}

const KINDS: readonly FaultKind[] = ['latency', 'status', 'drop', 'tamper-signature', 'delay-answer', 'drop-answer'];

function positiveInteger(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw paramError(`${key} must be a non-negative integer`);
  return value;
}

export function createFaultInjector(): FaultInjector {
  let faults: Fault[] = [];
  return {
    add(body) {
      const { endpoint, kind } = body;
      if (endpoint !== undefined && !isEndpointName(endpoint)) throw paramError('endpoint is not a known endpoint name');
      if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw paramError(`kind must be one of ${KINDS.join(', ')}`);
      const status = positiveInteger(body, 'status') ?? 500;
      if (status < 400 || status > 599) throw paramError('status must be 400..599');
      const count = positiveInteger(body, 'count');
      const durationMs = positiveInteger(body, 'durationMs');
      faults.push({
        endpoint,
        kind: kind as FaultKind,
        ms: positiveInteger(body, 'ms') ?? 1000,
        status,
        // Neither a count nor a duration: one request.
        remaining: count ?? (durationMs === undefined ? 1 : Number.POSITIVE_INFINITY),
        until: durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + durationMs,
      });
    },
    take(endpoint) {
      const now = Date.now();
      faults = faults.filter((fault) => fault.remaining > 0 && fault.until > now);
      const applied: AppliedFaults = { latencyMs: 0, status: null, drop: false, tamper: false, answerDelayMs: 0, dropAnswer: false };
      for (const fault of faults) {
        if (fault.endpoint !== undefined && fault.endpoint !== endpoint) continue;
        fault.remaining -= 1;
        if (fault.kind === 'latency') applied.latencyMs += fault.ms;
        else if (fault.kind === 'status') applied.status ??= fault.status;
        else if (fault.kind === 'drop') applied.drop = true;
        else if (fault.kind === 'delay-answer') applied.answerDelayMs += fault.ms;
        else if (fault.kind === 'drop-answer') applied.dropAnswer = true;
        else applied.tamper = true;
      }
      return applied;
    },
    clear() {
      faults = [];
    },
  };
}
