import { Controller, Get, Param, Put, type Type } from '@nestjs/common';
import { Cors, type CorsDecoratorArgument } from '../../lib/index.js';
import { SMALL_APP_CONTROLLERS, SMALL_APP_ROUTE_COUNT } from './small-app.controllers.js';

/**
 * The 1,000-route app of `nest-cors-big` (and `none-big`): 48 generated controllers, then the small
 * app's two. The measured routes are registered last, the worst case for any scan in registration
 * order. Every tenth generated controller has its own `@Cors`, and in every tenth another two
 * handlers have theirs (one `@Cors(false)`).
 */

export const BIG_APP_ROUTE_COUNT = 1_000;
export const BIG_APP_CONTROLLER_COUNT = 50;

const GENERATED_CONTROLLER_COUNT = BIG_APP_CONTROLLER_COUNT - SMALL_APP_CONTROLLERS.length;
const GENERATED_ROUTE_COUNT = BIG_APP_ROUTE_COUNT - SMALL_APP_ROUTE_COUNT;

export function bigAppControllers(): Type[] {
  const generated = Array.from({ length: GENERATED_CONTROLLER_COUNT }, (_, index) =>
    generatedController(index, routeCountOfGeneratedController(index)),
  );
  return [...generated, ...SMALL_APP_CONTROLLERS];
}

/** Spreads the generated routes evenly: the first controllers get one more when it does not divide. */
function routeCountOfGeneratedController(index: number): number {
  const base = Math.floor(GENERATED_ROUTE_COUNT / GENERATED_CONTROLLER_COUNT);
  return base + (index < GENERATED_ROUTE_COUNT % GENERATED_CONTROLLER_COUNT ? 1 : 0);
}

function controllerCors(index: number): CorsDecoratorArgument | undefined {
  return index % 10 === 3 ? { origin: [`https://partner${index}.example`], credentials: false, maxAge: 60 } : undefined;
}

function handlerCors(controllerIndex: number, routeIndex: number): CorsDecoratorArgument | undefined {
  if (controllerIndex % 10 !== 7) return undefined;
  if (routeIndex === 0) return false;
  if (routeIndex === 1) return 'https://partner.example';
  return undefined;
}

/**
 * `Area{index}Controller` at `/area{index}`: handlers alternate `GET` and `PUT` on
 * `things{n}/:id`, each returning a small JSON object.
 */
function generatedController(index: number, routeCount: number): Type {
  const controller = { [`Area${index}Controller`]: class {} }[`Area${index}Controller`];
  for (let routeIndex = 0; routeIndex < routeCount; routeIndex++) {
    const handlerName = `handler${routeIndex}`;
    Object.defineProperty(controller.prototype, handlerName, {
      value: (id: string) => ({ area: index, route: routeIndex, id }),
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(controller.prototype, handlerName)!;
    const routeDecorator = routeIndex % 2 === 0 ? Get : Put;
    routeDecorator(`things${routeIndex >> 1}/:id`)(controller.prototype, handlerName, descriptor);
    Param('id')(controller.prototype, handlerName, 0);
    const cors = handlerCors(index, routeIndex);
    if (cors !== undefined) Cors(cors)(controller.prototype, handlerName, descriptor);
  }
  const cors = controllerCors(index);
  if (cors !== undefined) Cors(cors)(controller);
  Controller(`area${index}`)(controller);
  return controller;
}
