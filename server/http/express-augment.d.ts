import type { Ctx } from '../core/context.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own augmentation point
  namespace Express {
    interface Request {
      requestId: string;
      /** Set when a valid bearer token came with the request. */
      ctx?: Ctx;
    }
  }
}
export {};
