import { type CabinetRequest, ErrorCode, GreenwaveError, type PhaseModel, type RequestProblem, checkCabinetRequest } from '@greenwave/contracts';

export type SupervisorVerdict = { ok: true } | { ok: false; problems: RequestProblem[] | { code: string; message: string }[] };

/** Thrown (or logged) when a controller's decision would be refused by the cabinet. */
export class UnsafeDecisionError extends GreenwaveError {
  constructor(
    readonly intersectionId: string,
    readonly problems: { code: string; message: string }[],
  ) {
    super(ErrorCode.UNSAFE_DECISION, `decision for ${intersectionId} rejected: ${problems.map((p) => p.message).join('; ')}`, { recoverable: true });
    this.name = 'UnsafeDecisionError';
  }
}

/**
 * The centre's safety supervisor: checks every decision before it leaves, with the same rules the cabinet applies
 * (shared from contracts), plus what only operators may do. Anything the cabinet would refuse or flash on is
 * rejected here, so an algorithm bug never reaches the street. Pure.
 */
export function superviseRequest(model: PhaseModel, request: CabinetRequest, origin: 'algorithm' | 'operator' = 'algorithm'): SupervisorVerdict {
  const check = checkCabinetRequest(model, request);
  const problems: { code: string; message: string }[] = [...check.problems];
  if (origin === 'algorithm') {
    if (request.mode === 'flash' || request.mode === 'off') problems.push({ code: 'operator-only', message: `mode ${request.mode} may only be set by an operator` });
    if (request.reset) problems.push({ code: 'operator-only', message: 'a flash reset may only be done by a technician' });
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** Throws UnsafeDecisionError when the request may not be sent. */
export function assertSafe(model: PhaseModel, request: CabinetRequest, origin: 'algorithm' | 'operator' = 'algorithm'): void {
  const verdict = superviseRequest(model, request, origin);
  if (!verdict.ok) throw new UnsafeDecisionError(model.intersectionId, verdict.problems);
}
