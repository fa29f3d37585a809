import { type Command, Option } from "commander";

type Client = (cmd: Command) => Command;
type ClientOpts = (o: { url: string; adminToken?: string }) => { url: string; token?: string };

/** `keel knowledge eval` (offline, in-process), `keel knowledge stores|docs|search`, `keel knowledge quarantine list|release` and `keel knowledge conflicts [resolve|scan]` (admin API). docs/knowledge.md. */
export function registerKnowledgeCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const kn = program.command("knowledge").description("Document stores: offline retrieval evaluation, the ingestion quarantine and conflicts between documents");
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
  client(kn.command("stores").description("Vector stores with their files, live and superseded documents, stale documents and max age"))
    .option("-n, --limit <n>", "how many (1–100)", "100")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./knowledge.js")).listStores(clientOpts(o), o));
  client(kn.command("docs").description("A store's document versions, newest first: source, version, content hash, age, freshness, owner, licence").argument("<store>", "vector store id (vs_…, from `keel knowledge stores`)"))
    .option("-n, --limit <n>", "how many (1–500)", "200")
    .option("--live", "only versions still served (leave out superseded ones)")
    .option("--json", "one JSON object per line")
    .action(async (store: string, o) => (await import("./knowledge.js")).listDocs(clientOpts(o), store, o));
  client(kn.command("search").description("Search a store as a caller would (hybrid: vectors and BM25, fused), with each result's freshness").argument("<store>", "vector store id").argument("<query>", "what to look for"))
    .option("-n, --limit <n>", "results (1–50)", "10")
    .option("--threshold <x>", "drop results scoring below this (0–1)")
    .option("--json", "one JSON object per line")
    .action(async (store: string, query: string, o) => (await import("./knowledge.js")).searchStoreCli(clientOpts(o), store, query, o));
  const q = kn.command("quarantine").description("Chunks held back by ingestion screening (indirect injection, secrets) until an admin releases them");
  client(q.command("list").description("Quarantined chunks, oldest first, with their verdicts"))
    .option("-n, --limit <n>", "how many (1–500)", "100")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./knowledge.js")).listQuarantine(clientOpts(o), o));
  client(q.command("release").description("Make a quarantined chunk searchable (recorded in the audit log)").argument("<chunk>", "chunk id (a number, from `keel knowledge quarantine list`)"))
    .option("--reason <text>", "why it is safe (kept in the audit log)")
    .action(async (chunk: string, o) => (await import("./knowledge.js")).releaseChunk(clientOpts(o), chunk, o));
  const cf = client(kn.command("conflicts").description("Conflicts between live documents of a store: the same fact (entity and attribute) with different values, newest first"))
    .option("--store <id>", "only this vector store")
    .addOption(new Option("--status <status>", "only this status").choices(["open", "resolved", "dismissed"]).default("open"))
    .option("-n, --limit <n>", "how many (1–200)", "50")
    .option("--json", "one JSON object per line")
    .action(async (o) => (await import("./knowledge.js")).listConflicts(clientOpts(o), o));
  client(cf.command("resolve").description("Close a conflict: resolved (the documents were fixed or one is right) or dismissed (not a conflict); recorded in the audit log").argument("<id>", "conflict id (kc_…, from `keel knowledge conflicts`)"))
    .option("--note <text>", "what was decided (kept on the conflict and in the audit log)")
    .option("--dismiss", "mark it dismissed (not a real conflict) instead of resolved")
    .option("--reopen", "set it open again")
    .action(async (id: string, o) => (await import("./knowledge.js")).resolveConflict(clientOpts(o), id, o));
  client(cf.command("scan").description("Compare every live document of a store with the others now (ingestion does it for each new document)"))
    .requiredOption("--store <id>", "the vector store")
    .action(async (o) => (await import("./knowledge.js")).scanConflicts(clientOpts(o), o));
}
