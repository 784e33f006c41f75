import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Cors } from '../../lib/index.js';
import type { ResponseHeaders } from '../response-headers.js';
import { CurrentUser, Public } from './auth.guard.js';
import { cookieValue, SESSION_COOKIE, Sessions, type User } from './sessions.js';

/**
 * `allowedHeaders: '*'` accepts any request header, Authorization included: nest-cors answers the
 * preflight with the requested names rather than a literal `*`, which browsers never apply to
 * Authorization under the Fetch standard.
 */
@Controller('auth')
@Cors({ allowedHeaders: '*' })
export class AuthController {
  constructor(private readonly sessions: Sessions) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  login(@Body() body: { name?: unknown }, @Res({ passthrough: true }) res: ResponseHeaders) {
    const user: User = { name: typeof body?.name === 'string' && body.name !== '' ? body.name : 'guest' };
    const token = this.sessions.open(user);
    res.header('Set-Cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`);
    return { user, token };
  }

  @Get('me')
  me(@CurrentUser() user: User) {
    return { user };
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Req() req: { headers: IncomingHttpHeaders }, @Res({ passthrough: true }) res: ResponseHeaders): void {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (token !== undefined) this.sessions.close(token);
    res.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }
}
