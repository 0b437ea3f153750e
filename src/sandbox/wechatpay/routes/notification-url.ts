import { invalidRequest, notFound, paramError, SandboxApiError } from '../api-error.js';
import { jsonBody, type Route, type RouteContext, type RouteRequest } from '../route.js';

/** Endpoints 8–11: one complaint notification URL per calling mchid (spec 3.8). */

function validUrl(request: RouteRequest): string {
  const url = jsonBody(request)['url'];
  if (typeof url !== 'string' || url.length === 0 || url.length > 255 || !URL.canParse(url)) throw paramError('url 格式错误');
  const parsed = new URL(url);
  // Plain http is allowed for loopback only, so local demos and tests can receive notifications.
  const local = parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !local) throw paramError('url 必须是 https 地址');
  if (url.includes('?')) throw paramError('url 不能携带参数');
  return url;
}

export function createNotificationUrlRoutes(context: RouteContext): Route[] {
  const urls = context.state.notificationUrls;
  const path = '/v3/merchant-service/complaint-notifications';
  const current = (caller: string): string => {
    const url = urls.get(caller);
    if (url === undefined) throw notFound('未设置投诉通知回调地址');
    return url;
  };
  return [
    {
      name: 'createNotificationUrl',
      method: 'POST',
      path,
      handle(request) {
        const url = validUrl(request);
        if (urls.has(request.caller)) throw invalidRequest('投诉通知回调地址已存在，请使用更新接口');
        urls.set(request.caller, url);
        return { status: 200, json: { mchid: request.caller, url } };
      },
    },
    {
      name: 'getNotificationUrl',
      method: 'GET',
      path,
      handle(request) {
        const url = urls.get(request.caller);
        if (url !== undefined) return { status: 200, json: { mchid: request.caller, url } };
        // How "none registered" is answered is undocumented: the control API picks one (404 by default).
        switch (context.state.noNotificationUrlAnswer) {
          case 200:
            return { status: 200, json: { mchid: request.caller, url: '' } };
          case 400:
            throw new SandboxApiError(400, 'RESOURCE_NOT_EXISTS', '未设置投诉通知回调地址');
          default:
            throw notFound('未设置投诉通知回调地址');
        }
      },
    },
    {
      name: 'updateNotificationUrl',
      method: 'PUT',
      path,
      handle(request) {
        const url = validUrl(request);
        current(request.caller);
        urls.set(request.caller, url);
        return { status: 200, json: { mchid: request.caller, url } };
      },
    },
    {
      name: 'deleteNotificationUrl',
      method: 'DELETE',
      path,
      handle(request) {
        current(request.caller);
        urls.delete(request.caller);
        return { status: 204 };
      },
    },
  ];
}
