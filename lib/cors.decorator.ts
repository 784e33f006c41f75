// The @Cors() decorator.
import { Reflector } from '@nestjs/core';
import type { CorsDecoratorArgument } from './core/cors-options.js';

/**
 * Gives a controller or a handler its own CORS policy, merged field by field over the module
 * options (handler over controller over module).
 *
 * @example
 * ```ts
 * @Cors('https://partner.example.com')          // origin shorthand
 * @Cors({ origin: '*', maxAge: 600 })            // options
 * @Cors(false)                                  // no CORS here
 * ```
 *
 * @publicApi
 */
export const Cors = Reflector.createDecorator<CorsDecoratorArgument>({ key: 'nest-cors:options' });
