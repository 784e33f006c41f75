import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';

export interface User {
  name: string;
}

export const SESSION_COOKIE = 'sid';

/** In-memory sessions: a token works as the `sid` cookie or as `Authorization: Bearer <token>`. */
@Injectable()
export class Sessions {
  private readonly users = new Map<string, User>();

  open(user: User): string {
    const token = randomUUID();
    this.users.set(token, user);
    return token;
  }

  close(token: string): void {
    this.users.delete(token);
  }

  userFor(headers: IncomingHttpHeaders): User | undefined {
    const token = bearerToken(headers.authorization) ?? cookieValue(headers.cookie, SESSION_COOKIE);
    return token === undefined ? undefined : this.users.get(token);
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([\w-]+)$/.exec(authorization ?? '');
  return match?.[1];
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const pair of (cookieHeader ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
