import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEventLogPath } from '../../../src/config/gateway-config.js';
import { createEventLog, type EventLogConfig } from '../../../src/events/event-log.js';
import { startSandboxMode } from '../../../src/sandbox/sandbox-mode.js';

const SQLITE_FILES = ['', '-wal', '-shm', '-journal'];

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-mode-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Opens and closes the event log as the app would, then leaves the files a crashed SQLite would. */
async function useEventLog(config: EventLogConfig, path: string): Promise<void> {
  const eventLog = await createEventLog(config);
  await eventLog.close();
  for (const suffix of SQLITE_FILES.slice(1)) await writeFile(`${path}${suffix}`, '');
}

// No provider module: what is tested is sandbox mode's own event log, not the sandboxes.
describe('sandbox mode', () => {
  it('removes its temporary event log and the files SQLite keeps beside it when it closes', async () => {
    const mode = await startSandboxMode({ modules: [], env: { SANDBOX_KEYS_FILE: join(dir, 'keys-a.json') } });
    expect(mode.config.eventLog).toMatchObject({ store: 'sqlite', path: sandboxEventLogPath() });
    await useEventLog(mode.config.eventLog, sandboxEventLogPath());
    await mode.close();
    for (const suffix of SQLITE_FILES) expect(await exists(`${sandboxEventLogPath()}${suffix}`)).toBe(false);
  });

  it('keeps an event log the user configured', async () => {
    const path = join(dir, 'events.sqlite');
    const mode = await startSandboxMode({ modules: [], env: { SANDBOX_KEYS_FILE: join(dir, 'keys-b.json'), EVENT_LOG_PATH: path } });
    expect(mode.config.eventLog).toMatchObject({ store: 'sqlite', path });
    await useEventLog(mode.config.eventLog, path);
    await mode.close();
    for (const suffix of SQLITE_FILES) expect(await exists(`${path}${suffix}`)).toBe(true);
  });
});
