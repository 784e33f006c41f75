import type { AdapterName, VariantName } from '../app/variants.js';
import { runChild } from '../process/children.js';
import type { InitTimeMessage } from '../process/messages.js';
import type { BenchSettings } from '../settings.js';

export interface StartupMeasurement {
  adapter: AdapterName;
  /** Per round, the 1,000-route app with CorsModule (`nest-cors-big`) and without (`none-big`). */
  withModule: InitTimeMessage[];
  withoutModule: InitTimeMessage[];
}

const STARTUP_TIMEOUT_MS = 120_000;

/** Times the 1,000-route app's bootstrap with and without the module, each in a fresh process, interleaved. */
export async function measureStartup(
  adapter: AdapterName,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<StartupMeasurement> {
  const measurement: StartupMeasurement = { adapter, withModule: [], withoutModule: [] };
  const sides: VariantName[] = ['none-big', 'nest-cors-big'];
  for (let round = 0; round < settings.rounds; round++) {
    for (const variant of round % 2 === 0 ? sides : [...sides].reverse()) {
      const messages = await runChild('process/init-time.js', [adapter, variant], [], STARTUP_TIMEOUT_MS);
      const timing = messages.find((message): message is InitTimeMessage => message.type === 'init-time');
      if (!timing) throw new Error(`init-time.js ${adapter} ${variant} sent no timing`);
      (variant === 'nest-cors-big' ? measurement.withModule : measurement.withoutModule).push(timing);
    }
  }
  log(`${adapter}: ${settings.rounds} startup rounds done`);
  return measurement;
}
