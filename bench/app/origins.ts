/**
 * The origins and CORS options every benchmark variant shares, so that `builtin`, `nest-cors` and
 * `nest-cors-big` answer the measured requests with the same policy.
 */

/** The origin the measured requests come from: the last one listed, the worst case for a list scan. */
export const ALLOWED_ORIGIN = 'https://b.example';
export const DISALLOWED_ORIGIN = 'https://evil.example';
export const SMALL_APP_ORIGINS = ['https://a.example', ALLOWED_ORIGIN];

/** Options of `app.enableCors()` in `builtin` and of `CorsModule.forRoot()` in `nest-cors`. */
export const SMALL_APP_CORS_OPTIONS = { origin: SMALL_APP_ORIGINS, credentials: true, maxAge: 600 };

export const BIG_APP_EXACT_ORIGIN_COUNT = 10_000;
export const BIG_APP_WILDCARD_ORIGIN_COUNT = 100;

/**
 * 10,000 exact origins, the small app's two last, and 100 wildcard-subdomain patterns
 * (`https://*.tenant42.example`).
 */
export function bigAppOrigins(): string[] {
  const generated = Array.from(
    { length: BIG_APP_EXACT_ORIGIN_COUNT - SMALL_APP_ORIGINS.length },
    (_, index) => `https://client${index}.example`,
  );
  const wildcards = Array.from({ length: BIG_APP_WILDCARD_ORIGIN_COUNT }, (_, index) => `https://*.tenant${index}.example`);
  return [...generated, ...SMALL_APP_ORIGINS, ...wildcards];
}
