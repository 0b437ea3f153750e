/**
 * `npm run bench`: every benchmark in turn, figures printed with their method (see each file).
 * `npm run bench -- gateway cold-start` runs only the named ones.
 */
import { runColdStartBench } from './cold-start.bench.js';
import { runGatewayBench } from './gateway.bench.js';
import { runNotificationIntakeBench } from './notification-intake.bench.js';
import { runWechatPayBench } from './wechatpay-client.bench.js';

const BENCHES: Record<string, () => Promise<void>> = {
  'wechatpay-client': runWechatPayBench,
  'notification-intake': runNotificationIntakeBench,
  gateway: runGatewayBench,
  'cold-start': runColdStartBench,
};

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in BENCHES));
if (unknown.length > 0) throw new Error(`no benchmark named ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})`);
for (const [name, run] of Object.entries(BENCHES)) {
  if (chosen.length === 0 || chosen.includes(name)) await run();
}
