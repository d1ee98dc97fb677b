import type { Ctx } from '../core/context.js';

declare global {
  namespace Express {
    interface Request {
      requestId: string;
      /** Set when a valid bearer token came with the request. */
      ctx?: Ctx;
    }
  }
}
export {};
