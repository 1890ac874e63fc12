/**
 * On every answer: no MIME sniffing of a JSON body, and no caching of anything (acks, errors, the
 * console's pages all describe the moment). Set by createApp's first middleware, and by the
 * webhook route and the error handler themselves, which run before it (see createApp).
 */
export const BASE_HEADERS: Readonly<Record<string, string>> = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
