import { readFileSync } from 'node:fs';

// Read at run time rather than imported: an import would pull package.json into the build's rootDir
// (dist/ would then hold dist/src/...). The path is the same from src/ and from dist/.
const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/**
 * The `User-Agent` every provider call sends. WeChat Pay refuses a call without one ("Http头缺少Accept
 * 或User-Agent"), so it is set explicitly rather than left to got's default, and it names this
 * gateway and its version the way the official SDKs name themselves (e.g. `wechatpay-go/...`).
 */
export const GATEWAY_USER_AGENT = `${packageJson.name}/${packageJson.version} node/${process.versions.node}`;
