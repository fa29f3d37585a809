import type { Command } from "commander";

type Client = (cmd: Command) => Command;
type Conn = { url: string; token?: string };
type ClientOpts = (o: { url: string; adminToken?: string }) => Conn;

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `keel annotate …` (queues, next, label, agreement) and `keel data export|exports|diff|audit` (docs/alignment-data.md). */
export function registerAnnotateCommands(program: Command, client: Client, clientOpts: ClientOpts): void {
  const an = program.command("annotate").description("Annotation queues over traces: reviewers label with a rubric; agreement per dimension (docs/alignment-data.md)");
  client(an.command("queues").description("List annotation queues with their item states; --create FILE makes one from a JSON spec"))
    .option("--create <file>", "create a queue from this JSON file (name, filter, rubric, reviewers, …)")
    .option("--json", "print JSON")
    .action(async (o) => (await import("./annotate.js")).annotateQueues(clientOpts(o), o));
  client(an.command("next").description("The next item a reviewer has to label in a queue").argument("<queue>", "queue name"))
    .requiredOption("--reviewer <name>", "reviewer name, as the queue declares it")
    .option("--json", "print JSON")
    .action(async (queue: string, o) => (await import("./annotate.js")).annotateNext(clientOpts(o), queue, o));
  client(an.command("label").description("Label an item: one --value dimension=value per rubric dimension").argument("<queue>", "queue name").argument("<item>", "item id (it_…)"))
    .requiredOption("--reviewer <name>", "reviewer name, as the queue declares it")
    .option("--value <dim=value>", "a rubric value; numbers for ordinal/interval scales, a label for nominal (repeatable)", collect)
    .option("--critique <text>", "free-text critique (required when the rubric says so)")
    .option("--correction <text>", "a corrected answer (exported as the preferred answer)")
    .option("--json", "print JSON")
    .action(async (queue: string, item: string, o) => (await import("./annotate.js")).annotateLabel(clientOpts(o), queue, item, o));
  client(an.command("agreement").description("Krippendorff's alpha per dimension with bootstrap CIs, Cohen's kappa per reviewer pair, each reviewer vs the expert consensus").argument("<queue>", "queue name"))
    .option("--json", "print JSON")
    .action(async (queue: string, o) => (await import("./annotate.js")).annotateAgreement(clientOpts(o), queue, o));

  const data = program.command("data").description("Training data from queues, feedback, pairwise eval runs and datasets: export (SFT, DPO, KTO; JSONL or Parquet), stored exports, diff, audit");
  client(data.command("export").description("Write training rows from one or more sources, with a provenance side file and a dataset card; the export is stored as a record keyed by its content hash"))
    .option("--from <source>", "queue:NAME, corrections:NAME (a queue's corrected answers), feedback (thumbs/scores/corrections on traces), pairwise:RUN_ID (judge winners of an eval run), dataset:NAME (items' expected outputs); repeatable", collect)
    .option("--queue <name>", "the same as --from queue:NAME")
    .requiredOption("--format <format>", "sft, dpo (TRL), kto (TRL) or openai-dpo (OpenAI preference fine-tuning)")
    .option("--out <file>", "the rows file (default <source>.<format>.jsonl or .parquet); beside it .provenance.jsonl and .card.md")
    .option("--parquet", "write Parquet (chat messages as nested list<struct<role, content>> columns) instead of JSONL")
    .option("--output-format <type>", "jsonl (default) or parquet")
    .option("--balance", "dpo/openai-dpo: drop pairs so the longer answer is chosen in half the unequal pairs (DPO's verbosity bias)")
    .option("--force", "export a queue even when its agreement is below its min_agreement (the card says so)")
    .option("--max-synthetic-share <share>", "most share of LLM-judge or synthetic rows, 0..1 (default 0.2); above it the export warns")
    .option("--strict", "refuse the export when the synthetic/judge share is above the maximum")
    .option("--licence <licence>", "licence of rows whose source states none (feedback, eval runs, datasets)")
    .option("--since <time>", "feedback: only traces from this time (ISO, or ms since the epoch)")
    .option("--limit <n>", "most rows per source (default 100000)")
    .action(async (o) => (await import("./data-export.js")).dataExport(clientOpts(o), o));
  // `exports` and `exports show HASH` are one command (arguments, not a subcommand), so --url/--admin-token after `show` are parsed as usual.
  client(data.command("exports").description("List stored exports, newest first (hash, time, format, rows, synthetic share, sources); `exports show HASH` shows one's dataset card")
    .argument("[show]", "`show`, to show one export")
    .argument("[hash]", "with show: the export's content hash (sha256)"))
    .option("--limit <n>", "most exports listed (default 100)")
    .option("--out <file>", "with show: write its rows (JSONL) here, and the provenance and card beside them")
    .option("--json", "print JSON (for show: the record without its rows)")
    .action(async (show: string | undefined, hash: string | undefined, o) => {
      const m = await import("./data-export.js");
      if (show === undefined) return m.dataExports(clientOpts(o), o);
      if (show !== "show" || !hash) throw new Error("usage: keel data exports [show HASH]");
      return m.dataExportShow(clientOpts(o), hash, o);
    });
  client(data.command("diff").description("Rows added, removed and changed between two stored exports, matched by a stable row key (source, trace ids, run and item)").argument("<hash_a>", "the earlier export's hash").argument("<hash_b>", "the later export's hash"))
    .option("--json", "print JSON (with the rows)")
    .action(async (a: string, b: string, o) => (await import("./data-export.js")).dataDiff(clientOpts(o), a, b, o));
  client(data.command("audit").description("Duplicates, near-duplicates, contamination with the golden eval datasets, the synthetic/judge share (from the provenance side file), DPO length bias").argument("<file>", "a JSONL training file"))
    .option("--threshold <jaccard>", "near-duplicate token-set Jaccard threshold, 0..1 (default 0.8)")
    .option("--offline", "skip the contamination check (does not read Keel's datasets)")
    .option("--max-synthetic-share <share>", "most share of LLM-judge or synthetic rows, 0..1 (default 0.2), read from the provenance side file")
    .option("--strict", "exit 1 when any duplicate or contaminated row is found, or the synthetic/judge share is above the maximum")
    .option("--json", "print JSON")
    .action(async (file: string, o) => (await import("./data-export.js")).dataAudit(clientOpts(o), file, o));
}
