import { renderPrompt, routeAndCall, screenInput, screenOutput } from "../chat.js";
import { cacheLookupStage, cacheStore } from "../cache-step.js";
import type { Surface } from "../pipeline.js";
import { admitModelStage, attributeCall, deferredGuard, finalise, limits, normalise, read, recordBody, settle } from "../stages.js";
import {
  admitMessagesModel, answerMessagesFromCache, authenticateAnthropic, MessagesContext, respondCountTokens, respondMessages, sendAnthropicError, validateCountTokens, validateMessages,
} from "./messages.js";

/**
 * POST /v1/messages, in order: chat's list (chat-pipeline.ts) with the Messages edge at both ends —
 * its own authenticate (x-api-key), validate (the translation into the internal chat request) and
 * respond (the translation back), and chat's model admission plus the one check only this surface
 * needs (extended thinking goes to Anthropic targets only) — every other stage shared, and the
 * response cache in chat's slot, its hits answered in this surface's shape. No second pipeline.
 */
export const MESSAGES: Surface<MessagesContext> = {
  create: (requestId, headers, trace) => new MessagesContext(requestId, headers, trace),
  stages: [
    authenticateAnthropic,
    read,
    validateMessages,
    attributeCall,
    renderPrompt,
    admitMessagesModel,
    limits,
    screenInput,
    normalise,
    cacheLookupStage(answerMessagesFromCache),
    routeAndCall,
    screenOutput,
    respondMessages,
  ],
  deferred: [deferredGuard, recordBody, finalise, cacheStore, settle],
  sendError: sendAnthropicError,
};

/** POST /v1/messages/count_tokens: no model call, so no limits, guard, route or trace. */
export const COUNT_TOKENS: Surface<MessagesContext> = {
  create: (requestId, headers, trace) => new MessagesContext(requestId, headers, trace),
  stages: [authenticateAnthropic, read, validateCountTokens, admitModelStage("chat"), respondCountTokens],
  deferred: [],
  sendError: sendAnthropicError,
};
