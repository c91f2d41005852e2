import jwt from 'jsonwebtoken';
import type { KeyObject } from 'node:crypto';

export interface TokenOptions {
  /** Seconds from now until `exp` (default 300). */
  expiresInSec?: number;
  roles?: unknown;
  algorithm?: jwt.Algorithm;
  keyid?: string;
}

/** A JWT for `sub`, signed with `key` (a shared secret or a private key). */
export function signToken(sub: string, key: string | KeyObject, options: TokenOptions = {}): string {
  const { expiresInSec = 300, roles, algorithm = 'HS256', keyid } = options;
  const payload: Record<string, unknown> = { sub, exp: Math.floor(Date.now() / 1000) + expiresInSec };
  if (roles !== undefined) payload.roles = roles;
  return jwt.sign(payload, key, { algorithm, ...(keyid && { keyid }) });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
