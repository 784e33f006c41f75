import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { Sessions, type User } from './sessions.js';

const IS_PUBLIC = 'sample:isPublic';

/** Opens a controller or handler to callers without a session. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  user?: User;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);

/** Registered as APP_GUARD: every route needs the session cookie or a bearer token unless @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: Sessions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = this.sessions.userFor(request.headers);
    if (!user) {
      throw new UnauthorizedException('Log in first: send the sid cookie or Authorization: Bearer <token>');
    }
    request.user = user;
    return true;
  }
}
