import type { Command } from "commander";

type Client = (cmd: Command) => Command;
type Conn = { url: string; token?: string };
type ClientOpts = (o: { url: string; adminToken?: string }) => Conn;

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `keel annotate …` (queues, next, label, agreement) and `keel data export|audit` (docs/alignment-data.md). */
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

  const data = program.command("data").description("Training data from annotation queues: export (SFT, DPO, KTO) and audit");
  client(data.command("export").description("Write a queue's labels as training JSONL, with a provenance side file and a dataset card"))
    .requiredOption("--queue <name>", "annotation queue")
    .requiredOption("--format <format>", "sft, dpo (TRL), kto (TRL) or openai-dpo (OpenAI preference fine-tuning)")
    .option("--out <file>", "the JSONL file (default <queue>.<format>.jsonl); beside it .provenance.jsonl and .card.md")
    .option("--balance", "dpo/openai-dpo: drop pairs so the longer answer is chosen in half the unequal pairs (DPO's verbosity bias)")
    .option("--force", "export even when the queue's agreement is below its min_agreement (the card says so)")
    .action(async (o) => (await import("./data-export.js")).dataExport(clientOpts(o), o));
  client(data.command("audit").description("Duplicates, near-duplicates, contamination with the golden eval datasets, DPO length bias").argument("<file>", "a JSONL training file"))
    .option("--threshold <jaccard>", "near-duplicate token-set Jaccard threshold, 0..1 (default 0.8)")
    .option("--offline", "skip the contamination check (does not read Keel's datasets)")
    .option("--strict", "exit 1 when any duplicate or contaminated row is found")
    .option("--json", "print JSON")
    .action(async (file: string, o) => (await import("./data-export.js")).dataAudit(clientOpts(o), file, o));
}
