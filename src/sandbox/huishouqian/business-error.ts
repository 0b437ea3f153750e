/** A refusal answered as a signed envelope with `success=false` and Huishouqian's code (spec 1.5). */
export class BusinessError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** 130002 "parameter validation failed": also the answer to a bad sign (spec 1.5, OPEN). */
export const invalidParameter = (message: string): BusinessError => new BusinessError('130002', message);
