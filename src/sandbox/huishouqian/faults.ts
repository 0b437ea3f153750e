/**
 * Injected faults, armed over `POST /sandbox/faults`. `latency`, `status` and `drop` act before the
 * request is handled (nothing changes); `tamper-signature` spoils the answer's sign.
 */
export type FaultKind = 'latency' | 'status' | 'drop' | 'tamper-signature';

const KINDS: readonly string[] = ['latency', 'status', 'drop', 'tamper-signature'] satisfies FaultKind[];

interface Fault {
  /** Undefined: every endpoint. */
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
  drop: boolean;
  status: number | null;
  tamper: boolean;
}

export interface FaultInjector {
  /** Arms the fault a control body describes; false for an unknown kind. */
  add(body: Record<string, unknown>): boolean;
  take(endpoint: string): AppliedFaults;
  clear(): void;
}

const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export function createFaultInjector(): FaultInjector {
  let faults: Fault[] = [];
  return {
    add(body) {
      const { kind } = body;
      if (typeof kind !== 'string' || !KINDS.includes(kind)) return false;
      const count = number(body['count']);
      const durationMs = number(body['durationMs']);
      faults.push({
        endpoint: typeof body['endpoint'] === 'string' ? body['endpoint'] : undefined,
        kind: kind as FaultKind,
        ms: number(body['ms']) ?? 1000,
        status: number(body['status']) ?? 500,
        // Neither a count nor a duration: one request.
        remaining: count ?? (durationMs === undefined ? 1 : Number.POSITIVE_INFINITY),
        until: durationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + durationMs,
      });
      return true;
    },
    take(endpoint) {
      const now = Date.now();
      faults = faults.filter((fault) => fault.remaining > 0 && fault.until > now);
      const applied: AppliedFaults = { latencyMs: 0, drop: false, status: null, tamper: false };
      for (const fault of faults) {
        if (fault.endpoint !== undefined && fault.endpoint !== endpoint) continue;
        fault.remaining -= 1;
        if (fault.kind === 'latency') applied.latencyMs += fault.ms;
        else if (fault.kind === 'drop') applied.drop = true;
        else if (fault.kind === 'status') applied.status ??= fault.status;
        else applied.tamper = true;
      }
      return applied;
    },
    clear() {
      faults = [];
    },
  };
}
