/**
 * Child process: times `NestFactory.create()` and `app.init()` of one variant in a fresh process
 * (nothing cached or warmed by an earlier app), reports and exits.
 * Usage (by the runner, through fork): init-time.js <adapter> <variant>
 */
import { createVariantApp, parseAdapterName, parseVariantName } from '../app/variants.js';
import { sendToRunner } from './messages.js';

const adapter = parseAdapterName(process.argv[2]);
const variant = parseVariantName(process.argv[3]);

const createStarted = performance.now();
const app = await createVariantApp(adapter, variant);
const initStarted = performance.now();
await app.init();
const initFinished = performance.now();

await sendToRunner({ type: 'init-time', initMs: initFinished - initStarted, createAndInitMs: initFinished - createStarted });
await app.close();
process.disconnect();
