import { request, type HttpAnswer } from '../../http/http-client';
import { bearer } from '../../support/tokens';

/** REST calls as one signed-in user (or anonymous without a token). */
export class Rest {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  get(path: string): Promise<HttpAnswer> {
    return this.call('GET', path);
  }

  post(path: string, body?: unknown): Promise<HttpAnswer> {
    return this.call('POST', path, body);
  }

  put(path: string, body?: unknown): Promise<HttpAnswer> {
    return this.call('PUT', path, body);
  }

  patch(path: string, body?: unknown): Promise<HttpAnswer> {
    return this.call('PATCH', path, body);
  }

  delete(path: string): Promise<HttpAnswer> {
    return this.call('DELETE', path);
  }

  /** The parsed body of a 2xx answer; anything else fails with the status and text. */
  async json(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<any> {
    const answer = await this.call(method, path, body);
    if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.text === '' ? undefined : answer.json();
  }

  call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = this.token ? bearer(this.token) : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return request(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }
}

/** `{status, error}` of an answer, for one-line assertions on refusals. */
export function refusal(answer: HttpAnswer): { status: number; error?: string } {
  let error: string | undefined;
  try {
    error = (answer.json() as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { status: answer.status, error };
}
