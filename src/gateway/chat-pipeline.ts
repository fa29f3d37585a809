import { ChatContext, promptHeader, renderPrompt, respondChat, routeAndCall, screenInput, screenOutput, validateChat } from "./chat.js";
import { cacheLookup, cacheStore } from "./cache-step.js";
import type { Surface } from "./pipeline.js";
import { admitModelStage, attributeCall, authenticate, deferredGuard, finalise, limits, normalise, read, recordBody, settle } from "./stages.js";

/**
 * POST /v1/chat/completions, in order. This list is the request path: a stage added to chat goes
 * here at its place (docs/contributing.md, "Adding a gateway stage").
 */
export const CHAT: Surface<ChatContext> = {
  create: (requestId, headers, trace) => new ChatContext(requestId, headers, trace),
  stages: [
    authenticate,
    read,
    promptHeader,
    validateChat,
    attributeCall,
    // Rendered before anything reads the body's model or messages.
    renderPrompt,
    admitModelStage("chat"),
    limits,
    screenInput,
    // After every stage that reads Keel-only fields (`prompt`, `keel_source`), before routing.
    normalise,
    // [cache] the response cache: after the input guard (a refused call is never served from it)
    // and on the body of record; a hit answers and ends the list.
    cacheLookup,
    routeAndCall,
    screenOutput,
    respondChat,
  ],
  // After the response, whatever happened: log-only scanners, the stored body, the trace, then limits.
  // The answer is cached after its trace, whose usage and cost say what a hit saves.
  deferred: [deferredGuard, recordBody, finalise, cacheStore, settle],
};
