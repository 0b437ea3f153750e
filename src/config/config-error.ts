import { z } from 'zod';
import { nearestKey } from './nearest-key.js';

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

/**
 * zod's error map for configuration: "required" reads better than "expected string, received
 * undefined", and an unknown key names the known one it was likely meant to be. Only here does zod
 * show the object schema that refused the key (`inst`); its issue keeps just the unknown keys.
 */
export function configIssueMessage(issue: { code?: string; input?: unknown; keys?: readonly string[]; inst?: unknown }): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
    const known = issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : [];
    const described = issue.keys.map((key) => {
      const nearest = nearestKey(key, known);
      return nearest === null ? `"${key}"` : `"${key}" (did you mean "${nearest}"?)`;
    });
    return `unknown key${described.length === 1 ? '' : 's'} ${described.join(', ')}`;
  }
  return undefined;
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
