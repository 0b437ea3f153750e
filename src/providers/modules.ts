import { huishouqianModule } from './huishouqian/module.js';
import { registerModule, type RegisteredModule } from './provider-module.js';
import { wechatPayModule } from './wechatpay/module.js';

/** Every provider this gateway speaks: the one list the wiring loops over. */
export const PROVIDER_MODULES: readonly RegisteredModule[] = [registerModule(wechatPayModule), registerModule(huishouqianModule)];
