import { routeAndCall, screenInput, screenOutput } from "./chat.js";
import { cacheLookupStage, cacheStore } from "./cache-step.js";
import type { Surface } from "./pipeline.js";
import { answerResponsesFromCache, checkTranslatable, respondResponses, ResponsesContext, validateResponses } from "./responses.js";
import { admitModelStage, attributeCall, authenticate, deferredGuard, finalise, limits, normalise, read, recordBody, settle } from "./stages.js";

/**
 * POST /v1/responses, in order: chat's list with the Responses body read and translated at the
 * edge (validate) and answered in the Responses shape (respond). No prompt stages: a Responses
 * body has no Keel prompt reference, and its own `prompt` field is refused by the schema.
 */
export const RESPONSES: Surface<ResponsesContext> = {
  create: (requestId, headers, trace) => new ResponsesContext(requestId, headers, trace),
  stages: [
    authenticate,
    read,
    validateResponses,
    attributeCall,
    admitModelStage("chat"),
    checkTranslatable,
    limits,
    screenInput,
    normalise,
    // Chat's cache slot; a hit is a new stored response made from the entry.
    cacheLookupStage(answerResponsesFromCache),
    routeAndCall,
    screenOutput,
    respondResponses,
  ],
  deferred: [deferredGuard, recordBody, finalise, cacheStore, settle],
};
