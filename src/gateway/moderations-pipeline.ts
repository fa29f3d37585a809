import { choosePolicies, ModerationsContext, moderate, respondModeration, validateModeration } from "./moderations.js";
import type { Surface } from "./pipeline.js";
import { attributeCall, authenticate, finalise, limits, normalise, read, recordBody, settle } from "./stages.js";

/** POST /v1/moderations, in order: keys, limits and the trace as every surface; the guard is the "model". */
export const MODERATIONS: Surface<ModerationsContext> = {
  create: (requestId, headers, trace) => new ModerationsContext(requestId, headers, trace),
  stages: [authenticate, read, validateModeration, attributeCall, choosePolicies, limits, normalise, moderate, respondModeration],
  deferred: [recordBody, finalise, settle],
};
