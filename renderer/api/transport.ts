// Pieces of the web transport that need no browser: the access token's journey from the address bar
// to session storage, reconnect backoff, and service errors in words.
import { ApiError } from '../../main/api/contract.js';

export const TOKEN_KEY = 'acbench.token';

export interface TokenEnv {
  href: string;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  replaceUrl(url: string): void;
}

/** Take `?token=` from the address (store it, strip it from the bar) or fall back to the stored one. */
export function takeToken(env: TokenEnv): string | null {
  const url = new URL(env.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    env.storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    env.replaceUrl(url.pathname + (url.search === '?' ? '' : url.search) + url.hash);
    return fromUrl;
  }
  return env.storage.getItem(TOKEN_KEY);
}

/** Reconnect delay: 0.5 s doubling to at most 10 s. */
export const backoffMs = (attempt: number): number => Math.min(10_000, 500 * 2 ** Math.max(0, attempt));

/** A failed call, carrying the service's error code and its message in words. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly call: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** A call the service does not offer yet: the UI shows this instead of inventing data. */
export class NotAvailableYetError extends ApiCallError {
  constructor(call: string) {
    super('unsupported', `"${call}" is not available yet: this version of the service has no ${call} call.`, call);
    this.name = 'NotAvailableYetError';
  }
}

/** Turn an HTTP response status and body into an ApiCallError with a message a person can act on. */
export function errorFromResponse(call: string, status: number, body: unknown): ApiCallError {
  const parsed = ApiError.safeParse(body);
  if (status === 401) return new ApiCallError('unauthorized', 'The service did not accept this page’s access token. Open the address that “acbench serve” printed (it ends in ?token=…).', call);
  if (parsed.success) {
    if (parsed.data.code === 'not_found' && /unknown call/.test(parsed.data.message)) return new NotAvailableYetError(call);
    return new ApiCallError(parsed.data.code, parsed.data.message, call);
  }
  if (status === 404) return new NotAvailableYetError(call);
  return new ApiCallError('internal', `The service answered ${call} with HTTP ${status} and no explanation.`, call);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
