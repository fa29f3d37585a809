import { type Command, Option } from "commander";

type Client = (cmd: Command) => Command;
type ClientOpts = (o: { url: string; adminToken?: string }) => { url: string; token?: string };

/** `keel knowledge eval` (offline, in-process) and `keel knowledge quarantine list|release` (admin API). docs/knowledge.md. */
export function registerKnowledgeCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const kn = program.command("knowledge").description("Document stores: offline retrieval evaluation and the ingestion quarantine");
  kn.command("eval")
    .description("Score retrieval on a labelled set (corpus, queries, qrels as JSONL): recall@k, precision@k, MRR, nDCG@10 with 95% bootstrap intervals, offline and in-process")
    .requiredOption("--corpus <file>", "JSONL rows {id, title?, text}")
    .requiredOption("--queries <file>", "JSONL rows {id, text}")
    .requiredOption("--qrels <file>", "JSONL rows {query_id, doc_id, relevance?} (relevance defaults to 1)")
    .option("-k, --k <n>", "cut-off for recall and precision (1–50)", "10")
    .addOption(new Option("--mode <mode>", "ranking to score").choices(["hybrid", "vector", "keyword", "all"]).default("all"))
    .option("--chunk-size <chars>", "chunk size in characters (default: knowledge.chunking.size, 800)")
    .option("--overlap <chars>", "chunk overlap in characters (default: knowledge.chunking.overlap, 200)")
    .addOption(new Option("--index <kind>", "vector index").choices(["hnsw", "exact"]).default("hnsw"))
    .option("--rrf-k <n>", "reciprocal rank fusion constant", "60")
    .option("--min-ndcg <x>", "exit 1 when any scored mode's mean nDCG@10 is below this (a CI gate)")
    .option("--min-recall <x>", "exit 1 when any scored mode's mean recall@k is below this")
    .option("--json", "print the report as JSON")
    .action(async (o) => (await import("./knowledge.js")).runKnowledgeEval(o));
  const q = kn.command("quarantine").description("Chunks held back by ingestion screening (indirect injection, secrets) until an admin releases them");
  client(q.command("list").description("Quarantined chunks, oldest first, with their verdicts"))
    .option("-n, --limit <n>", "how many (1–500)", "100")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./knowledge.js")).listQuarantine(clientOpts(o), o));
  client(q.command("release").description("Make a quarantined chunk searchable (recorded in the audit log)").argument("<chunk>", "chunk id (a number, from `keel knowledge quarantine list`)"))
    .option("--reason <text>", "why it is safe (kept in the audit log)")
    .action(async (chunk: string, o) => (await import("./knowledge.js")).releaseChunk(clientOpts(o), chunk, o));
}
