/** Thrown for any bad configuration; the message names every bad key, never a secret value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_ERROR';
  /** One entry per problem, `key.path: what is wrong`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** "required" reads better than zod's "expected string, received undefined". */
export function missingIsRequired(issue: { code?: string; input?: unknown }): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;
}

/** `providers.wechatpay[0].apiV3Key`: a key's path as problems name it. */
export function keyPath(path: readonly PropertyKey[]): string {
  let key = '';
  for (const part of path) {
    if (typeof part === 'number') key += `[${part}]`;
    else key += key === '' ? String(part) : `.${String(part)}`;
  }
  return key;
}

/** `providers.wechatpay[0].apiV3Key: must be 32 characters`; env keys read `env PORT: ...`. */
export function describeIssue(path: readonly PropertyKey[], message: string, prefix = ''): string {
  const key = keyPath(path);
  return `${prefix}${key === '' ? '(top level)' : key}: ${message}`;
}
