/** `npm run bench`: every benchmark in turn, figures printed with their method (see each file). */
import { runWechatPayBench } from './wechatpay-client.bench.js';

await runWechatPayBench();
