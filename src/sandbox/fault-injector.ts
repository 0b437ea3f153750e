/**
 * Injected faults, armed over a sandbox's `POST /sandbox/faults`, the same for every sandbox.
 * `latency`, `status` and `drop` act before the request is handled (nothing changes);
 * `tamper-signature` spoils the answer's signature; `delay-answer` and `drop-answer` act after it
 * (the change is applied, its answer is late or lost: an unknown outcome for the client).
 */
export const FAULT_KINDS = ['latency', 'status', 'drop', 'tamper-signature', 'delay-answer', 'drop-answer'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A checked control body: the fault, for one endpoint (or every one), for a count or a duration. */
export interface FaultSpec {
  endpoint: string | undefined;
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
  add(fault: FaultSpec): void;
  take(endpoint: string): AppliedFaults;
  clear(): void;
}

function nonNegativeInteger(body: Record<string, unknown>, key: string): number | undefined | string {
  const value = body[key];
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : `${key} must be a non-negative integer`;
}

/** The fault a control body describes, or what is wrong with it (each sandbox answers that in its own format). */
export function parseFault(body: Record<string, unknown>, isEndpoint: (name: string) => boolean): FaultSpec | { problem: string } {
  const { endpoint, kind } = body;
  if (endpoint !== undefined && (typeof endpoint !== 'string' || !isEndpoint(endpoint))) return { problem: 'endpoint is not a known endpoint name' };
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) return { problem: `kind must be one of ${FAULT_KINDS.join(', ')}` };
  const numbers = ['status', 'count', 'durationMs', 'ms'].map((key) => nonNegativeInteger(body, key));
  const problem = numbers.find((value) => typeof value === 'string');
  if (typeof problem === 'string') return { problem };
  const [status = 500, count, durationMs, ms = 1000] = numbers as (number | undefined)[];
  if (status < 400 || status > 599) return { problem: 'status must be 400..599' };
  return {
    endpoint,
    kind: kind as FaultKind,
    ms,
    status,
    // Neither a count nor a duration: one request.
    remaining: count ?? (durationMs === undefined ? 1 : Number.POSITIVE_INFINITY),
    until: durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + durationMs,
  };
}

export function createFaultInjector(): FaultInjector {
  let faults: FaultSpec[] = [];
  return {
    add(fault) {
      faults.push({ ...fault });
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
