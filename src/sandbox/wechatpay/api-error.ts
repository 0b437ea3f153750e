/** A provider error answer `{code, message}` with its HTTP status. */
export class SandboxApiError extends Error {
  override readonly name = 'SandboxApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const paramError = (message: string): SandboxApiError => new SandboxApiError(400, 'PARAM_ERROR', message);
export const invalidRequest = (message: string): SandboxApiError => new SandboxApiError(400, 'INVALID_REQUEST', message);
export const notFound = (message: string): SandboxApiError => new SandboxApiError(404, 'RESOURCE_NOT_EXISTS', message);
export const noAuth = (message: string): SandboxApiError => new SandboxApiError(403, 'NO_AUTH', message);
