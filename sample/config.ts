/**
 * Where the sample listens and which browser origins it trusts, all from environment variables.
 *
 *   PORT                 API port (default 3000)
 *   ALLOWED_PAGE_PORT    playground page whose origin is allowed (default 3001)
 *   OTHER_PAGE_PORT      playground page whose origin is not allowed (default 3002)
 *   CORS_ORIGINS         comma-separated origins allowed by the module defaults
 *                        (default: the allowed playground page)
 *   ADMIN_ORIGINS        comma-separated origins allowed to delete notes (default: CORS_ORIGINS)
 *   ADAPTER              express | fastify (default express)
 */
export type SampleAdapter = 'express' | 'fastify';

export function envPort(name: 'PORT' | 'ALLOWED_PAGE_PORT' | 'OTHER_PAGE_PORT', fallback: number): number {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
}

export function defaultAllowedOrigin(): string {
  return `http://localhost:${envPort('ALLOWED_PAGE_PORT', 3001)}`;
}

export function parseOriginList(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

export function adapterFromEnv(): SampleAdapter {
  const adapter = process.env.ADAPTER ?? 'express';
  if (adapter !== 'express' && adapter !== 'fastify') {
    throw new Error(`ADAPTER must be "express" or "fastify", got "${adapter}"`);
  }
  return adapter;
}

/**
 * Origin policy of the admin-only routes. A handler-level `@Cors()` is fixed when the class is
 * declared, so instead of a static list it takes a function, read on each request, that follows
 * the environment the way the module options do.
 */
export function isAdminOrigin(origin: string): boolean {
  const configured = process.env.ADMIN_ORIGINS || process.env.CORS_ORIGINS || defaultAllowedOrigin();
  return parseOriginList(configured).includes(origin);
}
