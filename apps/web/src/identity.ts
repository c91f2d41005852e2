/**
 * Who the page speaks for. With a token, the user is its `sub` and its `roles` decide which controls the
 * page offers; the token is read here, never verified: the server verifies it on every request, so a forged
 * one only shows buttons whose requests are refused.
 */
export interface Identity {
  name: string;
  token?: string;
  roles: readonly string[];
}

export interface TokenClaims {
  sub: string;
  roles: string[];
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims the page uses, or undefined for something that is not a JWT with a `sub`. */
export function readToken(token: string): TokenClaims | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    return { sub: payload.sub, roles };
  } catch {
    return undefined;
  }
}

/** Moderators delete anyone's messages; admins may do everything moderators may. */
export function isModerator(identity: Pick<Identity, 'roles'>): boolean {
  return identity.roles.includes('moderator') || identity.roles.includes('admin');
}

/**
 * A token handed over in the address's fragment (`#access_token=...`, as an identity provider redirects
 * back), which the server never sees; the caller removes it from the address bar.
 */
export function tokenFromFragment(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  return params.get('access_token') ?? undefined;
}
