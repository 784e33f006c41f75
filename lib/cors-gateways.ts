// Gateway policies: places, startup problems, the adapter marker.
import type { CorsProblem } from './core/cors-problem.js';
import type { NestGateways } from './nest-routes.reader.js';

/**
 * Marks the WebSocket adapters that apply the gateways' policies. A registered symbol, so that an
 * app loading both the ES module and the CommonJS build of nest-cors still recognises them.
 */
export const CORS_GATEWAY_ADAPTER = Symbol.for('nest-cors:gateway-adapter');

const USE_ADAPTER =
  "call app.useWebSocketAdapter(new CorsIoAdapter(app)) (from 'nest-cors/socket.io') or new CorsWsAdapter(app) (from " +
  "'nest-cors/ws') before app.init()";

/**
 * What can never work in the gateways' configuration: a second CORS policy in the gateway options,
 * `@Cors()` on a gateway method (the policy applies to the connection), and `@Cors()` on a gateway
 * whose WebSocket adapter does not apply it.
 */
export function gatewayProblems({ gateways, adapter }: NestGateways): CorsProblem[] {
  const applied = typeof adapter === 'object' && adapter !== null && CORS_GATEWAY_ADAPTER in adapter;
  const problems: CorsProblem[] = [];
  for (const gateway of gateways) {
    if (gateway.hasOwnCors) {
      problems.push({
        place: gateway.name,
        message: '@WebSocketGateway({ cors }) sets a second CORS policy beside nest-cors',
        fix: 'remove cors from @WebSocketGateway() and put the origins in @Cors() on the gateway class (or leave it to the module options)',
      });
    }
    for (const place of gateway.decoratedMethods) {
      problems.push({
        place,
        message: '@Cors() on a gateway method has no effect: a gateway has one policy, for its connections',
        fix: 'move @Cors() to the gateway class',
      });
    }
    if (gateway.corsArgument !== undefined && !applied) {
      const name = (adapter as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? 'none';
      problems.push({
        place: gateway.name,
        message: `@Cors() has no effect: the app's WebSocket adapter (${name}) does not apply it`,
        fix: USE_ADAPTER,
      });
    }
  }
  return problems;
}
