import { parseArgs } from 'node:util';
import { writeSandboxKeys, type SandboxKeysFile } from './sandbox-keys.js';
import { startHuishouqianSandbox } from './huishouqian/server.js';
import { startWechatPaySandbox } from './wechatpay/server.js';

/**
 * `npm run sandbox`: the provider sandboxes alone on 127.0.0.1, fresh keys written to
 * sandbox-keys.json. Each provider is one entry of LAUNCHERS on its own port (base, base+1, ...).
 */

interface RunningSandbox {
  baseUrl: string;
  close(): Promise<void>;
}

interface Launcher {
  provider: string;
  start(port: number, keys: SandboxKeysFile): Promise<RunningSandbox>;
}

const LAUNCHERS: Launcher[] = [
  {
    provider: 'WeChat Pay',
    async start(port, keys) {
      // Demo mode shows the real service's habits: occasional duplicates and signature probes.
      const sandbox = await startWechatPaySandbox({ port, notificationQuirks: { duplicateEvery: 7, signTestProbeEvery: 11 } });
      keys.wechatpay = sandbox.keys;
      return sandbox;
    },
  },
  {
    provider: 'Huishouqian',
    async start(port, keys) {
      const sandbox = await startHuishouqianSandbox({ port });
      keys.huishouqian = sandbox.keys;
      return sandbox;
    },
  },
];

function basePort(): number {
  const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: false });
  const raw = typeof values.port === 'string' ? values.port : (process.env['SANDBOX_PORT'] ?? '4100');
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid sandbox port: ${raw}`);
  return port;
}

async function main(): Promise<void> {
  const port = basePort();
  const keysFile = process.env['SANDBOX_KEYS_FILE'] ?? 'sandbox-keys.json';
  const keys: SandboxKeysFile = {};
  const running: RunningSandbox[] = [];
  const shutdown = async (): Promise<void> => {
    await Promise.allSettled(running.map((sandbox) => sandbox.close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  for (const [index, launcher] of LAUNCHERS.entries()) {
    const sandbox = await launcher.start(port === 0 ? 0 : port + index, keys);
    running.push(sandbox);
    console.log(`${launcher.provider} sandbox listening on ${sandbox.baseUrl}`);
  }
  await writeSandboxKeys(keysFile, keys);
  console.log(`sandbox keys written to ${keysFile}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
