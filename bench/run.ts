/** `npm run bench`: every benchmark in turn, figures printed with their method (see each file). */
import { runColdStartBench } from './cold-start.bench.js';
import { runGatewayBench } from './gateway.bench.js';
import { runNotificationIntakeBench } from './notification-intake.bench.js';
import { runWechatPayBench } from './wechatpay-client.bench.js';

await runWechatPayBench();
await runNotificationIntakeBench();
await runGatewayBench();
await runColdStartBench();
