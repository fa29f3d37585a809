/**
 * A small English lexicon for toxicity and profanity, by category and weight. Matching is on
 * whole words after folding case and common letter substitutions (see toxicity-scanner.ts).
 * It is a floor, not a classifier: it does not see sarcasm, context ("kill the process") beyond
 * the few phrase rules below, or other languages. Operators extend it with `extra_terms`.
 */
export type ToxicCategory = "profanity" | "insult" | "threat" | "self_harm" | "sexual" | "hate";

export const LEXICON: Record<ToxicCategory, { weight: number; terms: string[] }> = {
  profanity: {
    weight: 0.55,
    terms: ["fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "shitty", "bullshit", "asshole", "bitch", "bastard", "damn", "goddamn", "crap", "piss", "pissed", "dick", "dickhead", "prick", "wanker", "bollocks", "bugger", "twat", "arse", "arsehole", "douche", "douchebag", "jackass", "dumbass", "cunt"],
  },
  insult: {
    weight: 0.65,
    terms: ["idiot", "moron", "imbecile", "stupid", "dumb", "retard", "retarded", "loser", "pathetic", "worthless", "scum", "scumbag", "trash", "garbage human", "piece of shit", "waste of space", "shut up", "go to hell", "screw you", "you suck", "ugly", "fatso", "lowlife", "cretin", "halfwit", "nitwit"],
  },
  threat: {
    weight: 0.9,
    terms: ["i will kill you", "i'll kill you", "i am going to kill you", "i'm going to kill you", "you will die", "you're dead", "i will hurt you", "i'll hurt you", "i will find you", "watch your back", "i'll beat you", "i will beat you", "burn your house", "shoot you", "stab you"],
  },
  self_harm: {
    weight: 0.9,
    terms: ["kill yourself", "kys", "go die", "you should die", "hang yourself", "slit your wrists", "end your life"],
  },
  sexual: {
    weight: 0.6,
    terms: ["porn", "pornographic", "blowjob", "handjob", "cumshot", "dildo", "horny", "slut", "whore", "nudes", "jerk off", "masturbate"],
  },
  hate: {
    weight: 0.95,
    terms: ["nigger", "nigga", "faggot", "fag", "kike", "spic", "chink", "gook", "wetback", "tranny", "raghead", "towelhead", "sand nigger", "subhuman", "untermensch", "gas the jews", "white power", "heil hitler"],
  },
};
