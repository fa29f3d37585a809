/**
 * Signatures: weighted patterns for the known shapes of prompt injection and jailbreaks. They run
 * on the normalised, folded text (lower case, homoglyphs/leet/scrambles restored), so one pattern
 * covers its obfuscated spellings. Patterns allow filler words between the parts ("ignore all of
 * the previous instructions"), so they are families, not exact strings.
 *
 * Weights are priors for how telling one match is on its own; matches combine by noisy-OR within a
 * type, and the classifier receives the per-type scores as features and learns how far to trust them.
 */

import { pattern } from "../regex-registry.js";
import { buildSignatureGate, type SignatureGate } from "./signature-gate.js";
import { adversarialSuffixWeight } from "./structural.js";

export type SignatureType =
  | "instruction_override"
  | "role_impersonation"
  | "fake_delimiter"
  | "prompt_extraction"
  | "jailbreak_persona"
  | "guardrail_evasion"
  | "exfiltration"
  | "payload_smuggling";

export const SIGNATURE_TYPES: readonly SignatureType[] = [
  "instruction_override",
  "role_impersonation",
  "fake_delimiter",
  "prompt_extraction",
  "jailbreak_persona",
  "guardrail_evasion",
  "exfiltration",
  "payload_smuggling",
];

export interface Signature {
  id: string;
  type: SignatureType;
  weight: number;
  re: RegExp;
  /** Match the NFKC original (case kept) instead of the folded text: "DAN" the persona, not "Dan". */
  caseSensitive?: boolean;
  /**
   * A cheap global pattern for where a match can start; `re` is then sticky and runs only from
   * each anchor hit. V8 counts backtracks over a whole search, and a pattern with gaps retried
   * from every word of a long text ("ignore ignore …", 64 KB) passes its limit and falls back to
   * the slow linear engine; from an anchor, each try is a few dozen steps.
   */
  anchor?: RegExp;
  /** With `anchor` only: a match whose text this finds does not count, and the search goes on. */
  unless?: RegExp;
}

export interface SignatureHit {
  id: string;
  type: SignatureType;
  weight: number;
  index: number;
}

// Linear-time rules (src/guard/regex-safety.test.ts checks every pattern here): a line anchor
// `(?:^|\n)` is followed by `[^\S\n]*`, not `\s*` (which re-read every blank line from each
// newline before it), two whitespace runs never sit side by side around an optional token, and a
// run such as `-{5,}` starts only where the run starts.
// Gaps of a few words: "ignore [all of] [the] previous [set of] instructions".
const G = "(?:[\\w'’,-]+\\s+){0,4}?";
// Words that make an override the user's own ("forget my previous command", "disregard the typos
// in my last message"): a user may take back their own words.
const MINE = /\b(?:my|our|me|mine)\s/;
const OVERRIDE_VERB = "(?:ignore|disregard|forget|skip|bypass|override|overlook|neglect|discard|drop|abandon|dismiss|omit|erase|delete|clear|cancel|set aside|throw out|stop following|do not follow|don'?t follow|pay no attention to|no longer follow)";
const PRIOR = "(?:previous|prior|preceding|above|earlier|initial|original|old|former|foregoing|existing|current|default|given|system|developer|all|any|every|your|these|those|this|the)";
const RULES = "(?:instructions?|requests?|directives?|prompts?|rules?|guidelines?|commands?|orders?|constraints?|restrictions?|programming|training|polic(?:y|ies)|context|guidance|conditions|limitations|filters?|settings|messages?|tasks?|text|data|documents?|snippets?|content|information|passages?)";
const SHOW = "(?:repeat|print|show|reveal|output|display|tell|give|write out|write down|leak|dump|recite|spell out|echo|share|disclose|expose|list|copy|paste|translate|summari[sz]e|state)";
const HIDDEN = "(?:system prompt|system message|initial prompt|original prompt|hidden prompt|secret prompt|pre-?prompt|instructions|initial instructions|original instructions|hidden instructions|system instructions|rules you were given|prompt above|(?:secret |hidden )?password|secret key|passphrase|configuration)";
const AI = "(?:ai|assistant|chatbot|bot|model|language model|llm|gpt|chatgpt|claude|gemini|bard|copilot)";

export const SIGNATURES: readonly Signature[] = [
  // instruction override
  {
    id: "override.ignore_previous", type: "instruction_override", weight: 0.92,
    anchor: pattern("signature.override.ignore_previous.anchor", `\\b${OVERRIDE_VERB}\\s`, "g"),
    re: pattern("signature.override.ignore_previous", `\\b${OVERRIDE_VERB}\\s+${G}${PRIOR}\\s+${G}${RULES}\\b`, "y"),
    unless: MINE,
  },
  // "Ignore my previous instructions and …": the user's own words, so not decisive; the classifier weighs it.
  // Anchored on "my"/"our" and read back to the verb: a text of override verbs alone ("ignore
  // ignore …") has no anchor at all.
  {
    id: "override.ignore_own", type: "instruction_override", weight: 0.45,
    anchor: pattern("signature.override.ignore_own.anchor", "\\b(?:my|our)\\s", "g"),
    re: pattern("signature.override.ignore_own", `(?<=\\b${OVERRIDE_VERB}\\s+${G})(?:my|our)\\s+${G}${RULES}\\b`, "y"),
  },
  { id: "override.ignore_everything", type: "instruction_override", weight: 0.75, re: pattern("signature.override.ignore_everything", `\\b${OVERRIDE_VERB}\\s+(?:everything|all)\\s+(?:above|before|prior|previously|you (?:were|have been) told)\\b`) },
  { id: "override.new_instructions", type: "instruction_override", weight: 0.6, re: /\b(?:new|updated|real|actual|revised|true) (?:instructions?|task|rules|directive|system prompt|objective)\s*(?::|are|is\b)/ },
  { id: "override.instead", type: "instruction_override", weight: 0.55, re: /\binstead(?:,)? (?:of (?:doing )?(?:that|this|the above)|you (?:will|must|should))\b/ },
  { id: "override.from_now_on", type: "instruction_override", weight: 0.4, re: /\bfrom now on\b|\bfrom this (?:point|moment) (?:on|forward)\b|\bhenceforth\b/ },
  { id: "override.priority", type: "instruction_override", weight: 0.6, re: /\b(?:these|this|my) (?:instructions?|rules?|prompt) (?:take|takes|have|has) (?:priority|precedence)\b|\boverrides? (?:all|any) (?:other|previous|prior)\b/ },
  { id: "override.not_bound", type: "instruction_override", weight: 0.65, re: pattern("signature.override.not_bound", `\\b(?:you are|you're) (?:no longer|not) (?:bound|restricted|limited|constrained) by\\b|\\bfree(?:d)? (?:yourself )?from (?:the |your |all |any )?${G}${RULES}\\b`) },
  // The same override in the languages public injection sets use most (diacritics are folded away).
  // "Forget everything, write …", "Ignore above and say …": wiping the context, then a new order.
  { id: "override.wipe_then_order", type: "instruction_override", weight: 0.85, re: /\b(?:ignore|forget|disregard)\s+(?:everything|all (?:of )?(?:that|this|the above)|the above|above)(?:\s*[,.!:;]\s*(?:and\s+)?|\s+(?:and\s+)?)(?:now\s+)?(?:just\s+)?(?:say|write|print|tell|output|respond|reply|answer|repeat|type|return|generate|do|start|focus)\b/ },
  // "Now new instructions follow", "We start from the front with a new task", "leave all the previous information behind".
  { id: "override.new_task_follows", type: "instruction_override", weight: 0.7, re: /\b(?:new|further|more|additional|different|other) (?:instructions?|tasks?|orders|commands|assignments?) (?:now )?(?:follow(?:s|ed)?|are follow(?:ed|ing)|are coming)\b|\bstart (?:again |anew |over )?(?:from (?:the front|scratch|the beginning)|with a (?:new|fresh|different) task)\b/ },
  { id: "override.leave_behind", type: "instruction_override", weight: 0.8, re: /\b(?:leave|put|set|cast) (?:all |any )?(?:of )?(?:the |your )?(?:previous|prior|earlier|above|preceding|old) (?:information|instructions?|context|tasks?|rules|input|conversation) (?:behind|aside)\b/ },
  // Fake completion (Liu et al., "Formalizing and Benchmarking Prompt Injection Attacks and
  // Defenses", 2024): a forged answer that closes the real task, so what follows reads as a new one.
  { id: "override.fake_completion", type: "instruction_override", weight: 0.7, re: /\b(?:answer|response|output|result|assistant)\s*:\s*(?:the )?(?:task|request|job) (?:is )?(?:complete|completed|done|finished)\b/ },
  // A closing remark, then a pivot to another task: "Very good. That is done. Now write …".
  { id: "override.task_switch", type: "instruction_override", weight: 0.55, re: /(?:^|\n)[^\S\n]*(?:wow|ok(?:ay)?|good|very good|well done|great|simply great|excellent|perfect|fantastic|brilliant|that (?:is|was) (?:enough|done|ok|fine|great))\b[^\n]{0,120}?\b(?:now|but now|next)\b[^\n]{0,60}?\b(?:new|another|further|next|different|other|more|following) (?:task|tasks|assignment|challenge|job|instructions?|question)\b/ },
  // Context ignoring in other words (Liu et al. 2024 name the technique): "forget everything we
  // discussed", "forget about everything and …", "remove the previous tasks out of your head",
  // "the previous instructions are irrelevant", "disregarding the context, …".
  // "Forget everything we discussed" may also be a user starting over in a chat: weighed, not
  // decisive; "everything I said" is the user's own words and does not match.
  { id: "override.forget_discussed", type: "instruction_override", weight: 0.6, re: /\b(?:forget|ignore|disregard)(?:ting|ing)?\s+(?:about\s+)?(?:everything|all)(?: (?:that|of what))? we (?:have )?(?:discussed|said|talked about|did)\b|\b(?:forget|ignore|disregard) about (?:everything|all (?:of )?(?:that|this|the above)|the above)\b/ },
  { id: "override.out_of_mind", type: "instruction_override", weight: 0.8, re: /\b(?:remove|erase|wipe|clear|delete|get|put|drop)\b[^.\n]{0,50}\b(?:previous|prior|earlier|old|above) (?:tasks?|instructions?|information|rules|context|prompts?)\b[^.\n]{0,20}\b(?:out of|from) your (?:head|mind|memory)\b/ },
  { id: "override.void_previous", type: "instruction_override", weight: 0.8, re: /\b(?:the |all (?:the )?|your )?(?:previous|prior|preceding|above|earlier|original) (?:instructions|information|rules|tasks|guidelines|directions|prompts?)\b[^.\n]{0,50}?\b(?:are|is) (?:now |hereby )?(?:irrelevant|void|invalid|cancel+ed|obsolete|revoked|no longer (?:valid|relevant|applicable|in effect)|not (?:important|relevant|valid))\b|\b(?:vorherigen|bisherigen|obigen) (?:informationen|anweisungen|instruktionen|regeln|vorgaben)\b[^.\n]{0,60}?\bsind (?:jetzt )?(?:irrelevant|ungultig|unwichtig|nicht (?:mehr )?(?:gultig|wichtig|relevant))\b|\babweichend (?:zu|von) (?:den )?(?:vorherigen|bisherigen|obigen) (?:anweisungen|instruktionen|vorgaben|regeln)\b/ },
  { id: "override.disregarding_context", type: "instruction_override", weight: 0.75, re: /\b(?:ignoring|disregarding|forgetting|setting aside|regardless of) (?:all |any |the |your )?(?:previous |prior |above |earlier |given |provided )?(?:instructions|context|documents?|rules|guidelines|system prompt)\b[,:]/ },
  { id: "override.olvida_todo", type: "instruction_override", weight: 0.8, re: /\bolvid\w*\b[^.\n]{0,20}\btodo (?:lo )?(?:que (?:te )?(?:dije|digo|dijeron|he dicho|sabes)|lo anterior|anterior|lo de antes)\b/ },
  { id: "override.multilingual", type: "instruction_override", weight: 0.85, re: /\b(?:ignorier\w*|vergiss|vergessen sie|missachte\w*)\b[^.\n]{0,40}\b(?:anweisungen|befehle|regeln|vorgaben|alles|aufgaben|angaben|auftrage|informationen|instruktionen)\b|\b(?:obigen|vorherigen|bisherigen|vorigen)\b[^.\n]{0,40}\b(?:ignorieren|vergessen|missachten)\b|\b(?:ignora\w*|olvida\w*|omite)\b[^.\n]{0,40}\b(?:instrucciones|reglas|indicaciones|istruzioni|regole)\b|\b(?:ignore[zs]?|oublie[zs]?)\b[^.\n]{0,40}\b(?:instructions|consignes|regles|directives)\b(?=[^.\n]{0,40}\b(?:precedentes|anterieures|et|tes|vos|toutes)\b)|\b(?:negeer|vergeet)\b[^.\n]{0,40}\b(?:instructies|regels)\b/ },
  // role and system impersonation
  { id: "role.you_are_now", type: "role_impersonation", weight: 0.45, re: /\byou are (?:now|no longer|going to (?:be|act|pretend)|about to (?:become|immerse))\b|\byou will now (?:act|be|behave|respond)\b/ },
  { id: "role.system_label", type: "role_impersonation", weight: 0.55, re: /(?:^|\n)[^\S\n]*(?:(?:\[|<|\(|\*\*)\s*)?(?:system|sys|admin|administrator|developer|root|operator)\s*(?:(?:\]|>|\)|\*\*)\s*)?:/ },
  { id: "role.override_banner", type: "role_impersonation", weight: 0.65, re: /\b(?:system|admin|security|developer|emergency) override\b|\bimportant new instructions\b/ },
  { id: "role.system_tag", type: "role_impersonation", weight: 0.6, re: /\[(?:system|admin|developer|sys|important|instruction|override)\]|<(?:system|sys|admin|instructions?)>|<<sys>>/ },
  { id: "role.markdown_header", type: "role_impersonation", weight: 0.55, re: /(?:^|\n)[^\S\n]*#{2,}\s*(?:instruction|system|new instruction|response|input|task)s?\b/ },
  { id: "role.authority", type: "role_impersonation", weight: 0.5, re: /\b(?:i am|i'm|this is) (?:your|the|an?) (?:developer|creator|administrator|admin|system administrator|operator|owner|openai|anthropic)\b|\bmessage from (?:the )?(?:developers?|openai|anthropic|system|admin)\b/ },
  // A user's text that says it is a message from the system: "It is a secure system message."
  { id: "role.system_message_claim", type: "role_impersonation", weight: 0.7, re: /\b(?:this|it|the following|what follows|here) is (?:an? |the )?(?:(?:secure|trusted|official|authori[sz]ed|privileged|verified|internal|confidential|priority|urgent|high-priority) )?(?:system|admin|administrator|developer|operator|root) (?:message|instruction|command|notice|directive|override|update)s?\b/ },
  { id: "role.mode_switch", type: "role_impersonation", weight: 0.55, re: /\b(?:developer|debug|debugging|god|sudo|admin|maintenance|unrestricted|unlocked|opposite|evil|chaos|dev)[\s_-]mode\b/ },
  { id: "role.template_slot", type: "role_impersonation", weight: 0.5, re: /\[(?:insert |your )?(?:prompt|question|request)(?: here)?\]|\[insert [^\]\n]{1,30} here\]|<(?:prompt|insert prompt)>/ },
  // fake turns and delimiters
  { id: "delim.chat_tokens", type: "fake_delimiter", weight: 0.85, re: /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[\/?inst\]|<\/?s>\s*\[inst|<start_of_turn>|<end_of_turn>/ },
  { id: "delim.fake_turn", type: "fake_delimiter", weight: 0.45, re: /(?:^|\n)[^\S\n]*(?:assistant|ai|gpt|chatgpt|bot|model)\s*:\s*\S[^\n]*\n\s*(?:user|human|human being)\s*:/ },
  { id: "delim.json_role", type: "fake_delimiter", weight: 0.7, re: /["']role["']\s*:\s*["'](?:system|developer|assistant)["']/ },
  { id: "delim.end_of_prompt", type: "fake_delimiter", weight: 0.65, re: /\b(?:end of (?:the )?(?:system )?(?:prompt|instructions|context|document|input)|(?:system )?prompt ends here|begin(?:ning of)? new (?:prompt|instructions|session|conversation))\b|<\s*end of (?:the )?(?:session|document|context|input|conversation|data|prompt)\s*>/ },
  { id: "delim.fence_break", type: "fake_delimiter", weight: 0.35, re: /(?:(?<!-)-{5,}|(?<!=)={5,}|(?<!#)#{5,}|(?<!\*)\*{5,})\s*\n[^\n]{0,40}\b(?:ignore|new|system|instructions?)\b/ },
  // prompt extraction
  { id: "extract.show_prompt", type: "prompt_extraction", weight: 0.75, re: pattern("signature.extract.show_prompt", `\\b${SHOW}\\b\\s+${G}(?:your|the|my|its|initial|original|hidden|secret|full|entire|exact|above)\\s+${G}${HIDDEN}\\b`) },
  // "What are your rules", "what were the original instructions", "what is the password" — but not
  // "what are the rules of rugby": with "the" and no qualifier, only the prompt, the password or
  // rules "you were given" ask for the model's own.
  { id: "extract.what_prompt", type: "prompt_extraction", weight: 0.65, re: /\bwhat (?:are|were|is|was) (?:your (?:initial |original |exact |full |hidden |secret |system )?(?:instructions|system prompt|prompt|rules|guidelines|password|secret)\b|the (?:initial|original|exact|full|hidden|secret|system) (?:instructions|prompt|rules|guidelines)\b|the (?:system prompt|prompt|password|secret)\b(?! (?:of|for|to|in) (?:my|a|an|this)\b)|the (?:instructions|rules|guidelines) (?:you (?:were|have been|got)|given to you)\b)/ },
  { id: "extract.words_above", type: "prompt_extraction", weight: 0.7, re: /\b(?:repeat|print|output|copy|return|reproduce)\b[^.\n]{0,30}\b(?:words|text|everything|all|content|lines) (?:above|before|preceding|prior)\b|\bstarting with ["'“]?you are\b/ },
  // Pointing at the context the model was given before the user spoke: "your initial configuration",
  // "what were you told before this conversation started", "complete this: 'I was instructed to'".
  { id: "extract.hidden_context", type: "prompt_extraction", weight: 0.6, re: /\b(?:(?:your|the) (?:initial|original|first|hidden|secret|system|starting|opening|underlying|internal|pre-?set|initiali[sz]ation) (?:prompt|instructions?|configuration|config|message|setup|directives?|text|context|string|settings)|(?:what|the (?:text|words|instructions|message)|everything|anything) (?:were you|you were|have you been|you've been|you have been) (?:told|given|instructed|provided)(?: with)? (?:before|at the (?:start|beginning)|initially|first|earlier)|before (?:this|our|the) conversation (?:started|began)|i was instructed to|my instructions are|(?:console\.log|print|echo)\s*\(\s*system_?prompt)/ },
  { id: "extract.system_prompt", type: "prompt_extraction", weight: 0.3, re: /\bsystem prompt\b|\bpre-?prompt\b|\bhidden instructions\b/ },
  { id: "extract.password", type: "prompt_extraction", weight: 0.35, re: /\b(?:the|your) (?:secret )?password\b[^.\n]{0,30}\b(?:is|letters|spell|reveal|tell|say|give)\b|\b(?:reveal|tell me|give me|spell) (?:the|your) (?:secret|password)\b/ },
  // persona / DAN-style jailbreak framing
  { id: "persona.dan", type: "jailbreak_persona", weight: 0.55, re: /\bDAN\b|\bD\.A\.N\b|\bSTAN\b|\bUCAR\b|\bBetterDAN\b/, caseSensitive: true },
  { id: "persona.do_anything_now", type: "jailbreak_persona", weight: 0.85, re: /\bdo anything now\b|\bcan do anything\b|\bdoes ?n[o']t have to (?:abide|follow|adhere)\b/ },
  { id: "persona.jailbreak", type: "jailbreak_persona", weight: 0.7, re: /\bjail ?br(?:eak|oken|eaking)\b|\bunshackled\b|\bbroken free\b|\bfreed from\b/ },
  { id: "persona.unfiltered", type: "jailbreak_persona", weight: 0.5, re: /\b(?:unfiltered|uncensored|unrestricted|amoral|unethical|immoral|unbound|unhinged|lawless|rogue|limitless)\b/ },
  { id: "persona.no_limits", type: "jailbreak_persona", weight: 0.5, re: /\b(?:no|without|zero|free of|free from|any) (?:(?:ethical|moral|content|safety|legal|programming) )?(?:restrictions|limits|limitations|filters?|filtering|censorship|boundaries|guidelines|rules|morals|ethics|constraints|principles|restraints)\b/ },
  { id: "persona.stay_in_character", type: "jailbreak_persona", weight: 0.6, re: /\b(?:stay|remain|keep) in character\b|\bbreak(?:ing)? character\b|\bcharacter (?:break|slip)\b|\bstay (?:as|in) (?:the )?(?:persona|role)\b/ },
  { id: "persona.policy", type: "jailbreak_persona", weight: 0.55, re: /\b(?:openai|anthropic|google|meta)(?:'s)? (?:content |usage |safety )?(?:polic(?:y|ies)|guidelines|rules|restrictions)\b|\bcontent polic(?:y|ies)\b/ },
  { id: "persona.never_refuse", type: "jailbreak_persona", weight: 0.6, re: /\b(?:never|not|cannot|can't|can ?not|won't|will not|must not|mustn't|don't|do not|shall not|unable to) (?:ever )?(?:refuse|decline|deny|reject)\b|\bwithout (?:any )?(?:refusal|refusing|hesitation|question)\b|\balways (?:answer|comply|respond|provide)\b/ },
  // Refusal suppression (Wei et al., "Jailbroken: How Does LLM Safety Training Fail?", 2023): the
  // model's own refusal phrases are forbidden in advance.
  { id: "persona.refusal_suppression", type: "jailbreak_persona", weight: 0.7, re: /\b(?:never|do not|don'?t|must not|should not|shall not|not allowed to) (?:ever )?(?:use|say|write|include|output|start (?:your (?:response|answer|reply) )?with)\b[^.\n]{0,40}["“']\s*(?:i can'?t (?:assist|help)|i cannot (?:assist|help|fulfill|comply|provide)|i am unable to|i'?m unable to|i'?m sorry,? but|as an ai)/ },
  { id: "persona.no_warnings", type: "jailbreak_persona", weight: 0.45, re: /\b(?:no|without|never (?:include|add|give)|don't (?:include|add|give)|omit(?: any)?) (?:any )?(?:warnings?|disclaimers?|caveats?|moral(?:izing)? lectures?|apolog(?:y|ies|ize))\b/ },
  { id: "persona.dual_response", type: "jailbreak_persona", weight: 0.55, re: /\b(?:two|2|both) (?:different )?(?:responses|answers|paragraphs|ways)\b[^.\n]{0,80}\b(?:normal|classic|standard|jailbreak|filtered|unfiltered|chatgpt)\b|\[(?:🔒|🔓)?\s*(?:classic|jailbreak|normal|developer mode)(?: output)?\]/ },
  { id: "persona.as_ai_model", type: "jailbreak_persona", weight: 0.35, re: /\bas an ai (?:language )?model\b|\bi'?m sorry,? but i can(?:not|'t)\b/ },
  { id: "persona.tokens", type: "jailbreak_persona", weight: 0.55, re: /\btokens? (?:will be )?(?:deducted|lost|system)\b|\b(?:lose|deduct|deducted|penalt(?:y|ies)) [^.\n]{0,20}\btokens?\b/ },
  { id: "persona.unfiltered_ai", type: "jailbreak_persona", weight: 0.7, re: pattern("signature.persona.unfiltered_ai", `\\b(?:act|pretend|roleplay|role-play|behave|respond|simulate|become) (?:as|like|to be)? ?(?:an? )?(?:\\w+ )?(?:unfiltered|uncensored|unrestricted|amoral|evil|jailbroken|rogue|unethical|unbound) ${G}${AI}\\b|\\b${AI} (?:with(?:out)?|that has no|that doesn't have|free of) (?:any )?(?:filters?|restrictions|limits|morals|ethics|rules|censorship)\\b`) },
  { id: "persona.hypothetical", type: "jailbreak_persona", weight: 0.2, re: /\bhypothetical(?:ly)? (?:scenario|response|story|world)\b|\bfor (?:educational|research|academic) purposes only\b|\bfictional world\b/ },
  { id: "persona.roleplay", type: "jailbreak_persona", weight: 0.15, re: /\brole ?-?play\b|\bpersona\b|\bpretend (?:to be|you are|you're|that you)\b|\bimmerse yourself\b/ },
  // evading the model's own safety
  // Exfiltration shapes: a Markdown image or link whose URL carries a slot for data ("?q=[SUMMARY]",
  // "?d={chat}"), and instructions to put data into a URL. Rendering such an image leaks the data.
  { id: "exfil.markdown_url_slot", type: "exfiltration", weight: 0.8, re: /!?\[[^\]\n]{0,100}\]\(\s*(?:https?:)?\/\/[^\s)?]{1,200}\?[^\s)]{0,200}=(?:[^\s)&]{0,40})(?:\{[^}\n]{1,60}\}|\[[^\]\n]{1,60}\]|<[^>\n]{1,60}>|%s|\$[a-z_]{2,30})/ },
  { id: "exfil.url_slot", type: "exfiltration", weight: 0.8, re: /\bh?t?tps?:\/\/[^\s)"'\]]{1,200}?[=/](?:\[[a-z_ ]{2,20}\]|\{[a-z_]{2,30}\}|<[a-z_]{2,20}>)/ },
  { id: "exfil.fill_slot_with_data", type: "exfiltration", weight: 0.75, re: /\b(?:replace|replacing|substitute|fill(?: in)?)\b[^.\n]{0,20}\[[a-z_ ]{2,20}\][^.\n]{0,20}\bwith\b[^.\n]{0,80}\b(?:conversation|previous messages?|previous message|chat history|history|summary|passwords?|secrets?|credentials|(?:user'?s?|personal|private) (?:data|information|details)|the (?:page|document|email))\b/ },
  { id: "exfil.append_conversation", type: "exfiltration", weight: 0.6, re: /\b(?:append|attach|add|include)\b[^.\n]{0,60}\b(?:summary|contents?|copy|transcript)\b[^.\n]{0,30}\b(?:of )?(?:the |this |our |my )?(?:page|conversation|chat|previous messages?|history)\b/ },
  { id: "exfil.data_into_url", type: "exfiltration", weight: 0.6, re: /\b(?:append|add|include|concatenate|encode|put|insert|attach|embed)\b[^.\n]{0,80}\b(?:to|in|into|as|inside)\b[^.\n]{0,30}\b(?:the |this |a )?(?:url|link|query string|query parameter|image (?:url|link|source)|src attribute)\b/ },
  { id: "exfil.script_payload", type: "exfiltration", weight: 0.5, re: /<script\b|\bjavascript:\s*\S|\bon(?:error|load)\s*=\s*["']?\w|<iframe\b[^>\n]{0,200}\bsrc\s*=/ },
  // Smuggling a payload past the reader: "Encoded: … / Decoded:" completion slots, letter-puzzle
  // reconstruction ("(g)lorious victory" line after line), an adversarial token suffix (structural.ts).
  { id: "smuggle.decode_slot", type: "payload_smuggling", weight: 0.75, re: /\b(?:encoded|encrypted|ciphertext|cipher text|obfuscated)(?: (?:string|text|message|input|version|payload))?\s*:[^\S\n]*\S[^\n]{0,1000}\n(?:[^\S\n]*\n){0,2}[^\S\n]*(?:[a-z0-9-]{1,20} ){0,5}(?:decoded|decrypted|plaintext|plain text|deobfuscated)(?: (?:string|text|message|output|version))?\s*:\s*$/ },
  { id: "smuggle.decode_request", type: "payload_smuggling", weight: 0.4, re: /\b(?:decode|decipher|decrypt|translate)\b[^.\n]{0,40}\b(?:base ?64|base ?32|base ?16|hex(?:adecimal)?|rot ?13|morse|uuencod\w*|ascii ?85|braille|binary|atbash|nato|quoted.printable|cipher)\b/ },
  { id: "smuggle.letter_puzzle", type: "payload_smuggling", weight: 0.8, re: /(?:^|\n)(?:[^\n(]{0,30}\([a-z ]\)[^\n(]{0,30}\n){8}/ },
  { id: "evade.disable_safety", type: "guardrail_evasion", weight: 0.75, re: /\b(?:bypass|circumvent|evade|disable|turn off|switch off|deactivate|remove|ignore|override|get around|break|escape|lift|drop)\s+(?:the |your |all |any |its |of )*(?:(?:safety|content|ethical|moral) )?(?:filters?|filtering|safety|safeguards|guardrails|restrictions|censorship|moderation|limitations|programming|alignment|constraints|protocols?)\b/ },
  { id: "evade.ethics_off", type: "guardrail_evasion", weight: 0.45, re: /\b(?:ethical|moral|safety) (?:guidelines|principles|constraints|restrictions|boundaries|concerns|considerations|standards)\b/ },
  { id: "evade.illegal_ok", type: "guardrail_evasion", weight: 0.5, re: /\b(?:illegal|harmful|offensive|explicit|dangerous|unethical|nsfw|immoral|violent)(?:,? (?:or|and) \w+)? (?:content|things|activities|requests|information|topics|stuff|questions)\b[^.\n]{0,40}\b(?:allowed|fine|acceptable|permitted|ok|okay|encouraged|no problem)\b|\b(?:everything|anything|all content) is (?:legal|allowed|permitted)\b/ },
  { id: "evade.disregard_ethics", type: "guardrail_evasion", weight: 0.65, re: /\b(?:disregard(?:s|ed|ing)?|ignor(?:e|es|ed|ing)|abandon(?:s|ed|ing)?|drop(?:s|ped|ping)?|forget(?:s|ting)?) (?:all |any |your |its |his |her )?(?:(?:possible|potential) )?(?:ethical|moral|legal|safety)(?:,? or (?:ethical|moral|legal))? (?:concerns|considerations|guidelines|boundaries|principles|implications|restrictions)\b/ },
  { id: "evade.doesnt_care", type: "guardrail_evasion", weight: 0.5, re: /\bdoes ?n[o']t (?:care|give a (?:fuck|damn|shit))\b|\bnot care about (?:ethics|morals|legality|rules|laws|safety)\b/ },
];

export interface SignatureResult {
  hits: SignatureHit[];
  /** noisy-OR of hit weights within each type. */
  byType: Record<SignatureType, number>;
  /** noisy-OR over all hits. */
  score: number;
}

function emptyByType(): Record<SignatureType, number> {
  return { instruction_override: 0, role_impersonation: 0, fake_delimiter: 0, prompt_extraction: 0, jailbreak_persona: 0, guardrail_evasion: 0, exfiltration: 0, payload_smuggling: 0 };
}

/**
 * `folded` is the normalised text; `original` the NFKC text with case kept (case-sensitive
 * signatures). `minWeight` skips weaker signatures (the skim of an over-budget text wants only
 * the ones that decide on their own).
 */
export function matchSignatures(folded: string, original: string, minWeight = 0): SignatureResult {
  const hits: SignatureHit[] = [];
  const byType = emptyByType();
  let miss = 1;
  // Case-sensitive signatures read the original, not the folded text the gate reads: never gated.
  gate ??= buildSignatureGate(SIGNATURES.map((s) => (s.caseSensitive ? null : s.re)));
  const may = gate.mayMatch(folded);
  for (let i = 0; i < SIGNATURES.length; i++) {
    const s = SIGNATURES[i];
    if (s.weight < minWeight || may[i] === 0) continue;
    const text = s.caseSensitive ? original : folded;
    const m = s.anchor === undefined ? s.re.exec(text) : execFromAnchors(s.anchor, s.re, text, s.unless);
    if (m === null) continue;
    hits.push({ id: s.id, type: s.type, weight: s.weight, index: m.index });
    byType[s.type] = 1 - (1 - byType[s.type]) * (1 - s.weight);
    miss *= 1 - s.weight;
  }
  const suffix = adversarialSuffixWeight(original);
  if (suffix > 0 && suffix >= minWeight) {
    hits.push({ id: "smuggle.adversarial_suffix", type: "payload_smuggling", weight: suffix, index: original.lastIndexOf("\n") + 1 });
    byType.payload_smuggling = 1 - (1 - byType.payload_smuggling) * (1 - suffix);
    miss *= 1 - suffix;
  }
  return { hits, byType, score: 1 - miss };
}

let gate: SignatureGate | undefined;

/** The first match of sticky `re` starting at a hit of global `anchor` (and not found by `unless`). */
export function execFromAnchors(anchor: RegExp, re: RegExp, text: string, unless?: RegExp): RegExpExecArray | null {
  anchor.lastIndex = 0;
  for (let a = anchor.exec(text); a !== null; a = anchor.exec(text)) {
    re.lastIndex = a.index;
    const m = re.exec(text);
    if (m !== null && (unless === undefined || !unless.test(m[0]))) return m;
  }
  return null;
}

/** Merge results from several views of one input (the text itself, decoded segments, smuggled text). */
export function mergeSignatureResults(results: readonly SignatureResult[]): SignatureResult {
  const seen = new Map<string, SignatureHit>();
  for (const r of results) for (const h of r.hits) if (!seen.has(h.id)) seen.set(h.id, h);
  const hits = [...seen.values()];
  const byType = emptyByType();
  let miss = 1;
  for (const h of hits) {
    byType[h.type] = 1 - (1 - byType[h.type]) * (1 - h.weight);
    miss *= 1 - h.weight;
  }
  return { hits, byType, score: 1 - miss };
}
