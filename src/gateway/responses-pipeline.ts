import { routeAndCall, screenInput, screenOutput } from "./chat.js";
import type { Surface } from "./pipeline.js";
import { checkTranslatable, respondResponses, ResponsesContext, validateResponses } from "./responses.js";
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
    routeAndCall,
    screenOutput,
    respondResponses,
  ],
  deferred: [deferredGuard, recordBody, finalise, settle],
};
