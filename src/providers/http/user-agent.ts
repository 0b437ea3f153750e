import packageJson from '../../../package.json' with { type: 'json' };

/**
 * The `User-Agent` every provider call sends. WeChat Pay refuses a call without one ("Http头缺少Accept
 * 或User-Agent"), so it is set explicitly rather than left to got's default, and it names this
 * gateway and its version the way the official SDKs name themselves (e.g. `wechatpay-go/...`).
 */
export const GATEWAY_USER_AGENT = `${packageJson.name}/${packageJson.version} node/${process.versions.node}`;
