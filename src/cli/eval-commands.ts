import { type Command, Option } from "commander";

type Client = (cmd: Command) => Command;
type Conn = { url: string; token?: string };
type ClientOpts = (o: { url: string; adminToken?: string }) => Conn;
export interface EvalCliEnv {
  readonly apiKey?: string;
  readonly vars: Readonly<Record<string, string | undefined>>;
}

const list = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * `keel datasets …` and `keel eval …`. Only commander is loaded here; each command imports its
 * module when it runs, like every other command.
 */
export function registerEvalCommands(program: Command, client: Client, clientOpts: ClientOpts, env: EvalCliEnv): void {
  const ds = program.command("datasets").description("Versioned golden datasets for evals (through the admin API)");
  client(ds.command("create").description("Create an empty dataset").argument("<name>", "dataset name"))
    .option("--description <text>", "what the dataset is for")
    .action(async (name: string, o) => (await import("./datasets.js")).createDataset(clientOpts(o), name, o));
  client(ds.command("list").description("List datasets")).option("--json", "print JSON")
    .action(async (o) => (await import("./datasets.js")).listDatasets(clientOpts(o), o));
  client(ds.command("show").description("Show a dataset's versions, or its items").argument("<name>", "dataset name"))
    .option("--version <n>", "the items of this version (default latest)")
    .option("--items", "list the items")
    .option("--json", "print JSON")
    .action(async (name: string, o) => (await import("./datasets.js")).showDataset(clientOpts(o), name, o));
  client(ds.command("import").description("Import items from JSONL or CSV as a new version").argument("<name>", "dataset name").argument("<file>", "a .jsonl or .csv file, or - for stdin (JSONL)"))
    .addOption(new Option("--format <format>", "file format (default: from the extension)").choices(["jsonl", "csv"]))
    .option("--replace", "the file is the whole dataset: items not in it are removed in the new version")
    .option("--create", "create the dataset when it does not exist")
    .option("--note <text>", "a note for the new version")
    .addOption(new Option("--source <source>", "provenance of items that name none").choices(["human", "synthetic"]).default("human"))
    .option("--generator-model <model>", "with --source synthetic: the model that generated the items")
    .option("--author <name>", "author recorded in the provenance of items that name none")
    .action(async (name: string, file: string, o) => (await import("./datasets.js")).importDataset(clientOpts(o), name, file, o));
  client(ds.command("export").description("Export a version as JSONL or CSV").argument("<name>", "dataset name"))
    .option("--version <n>", "version (default latest)")
    .option("--split <split>", "only this split")
    .option("--tag <tag>", "only items with this tag")
    .addOption(new Option("--format <format>", "output format").choices(["jsonl", "csv"]).default("jsonl"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(async (name: string, o) => (await import("./datasets.js")).exportDataset(clientOpts(o), name, o));
  client(ds.command("add-traces").description("Add production traces as items (by id, or by filter)").argument("<name>", "dataset name").argument("[trace-ids...]", "trace (request) ids"))
    .option("--model <model>", "filter: model asked for").option("--feature <feature>", "filter: feature").option("--key <id>", "filter: key id")
    .option("--since <when>", "filter: ISO time or epoch").option("--until <when>", "filter: ISO time or epoch")
    .option("--limit <n>", "filter: at most this many traces", "100")
    .option("--split <split>", "split of the new items").option("--tag <tag>", "tag for the new items (repeatable)", list)
    .option("--no-expected", "do not use the production answer as the expected output")
    .option("--note <text>", "a note for the new version")
    .action(async (name: string, ids: string[], o) => (await import("./datasets.js")).addTraces(clientOpts(o), name, ids, o));

  const ev = program.command("eval").description("Run, compare and gate evaluations; judge calibration and agreement statistics");
  client(ev.command("run").description("Run a suite: dataset × target × evaluators; stores the run and prints its summary").argument("<suite>", "suite YAML file"))
    .addOption(new Option("--key <key>", "virtual key for gateway targets and judges (env KEEL_API_KEY)"))
    .option("--budget <usd>", "stop dispatching once this much has been spent")
    .option("--concurrency <n>", "override the suite's concurrency")
    .option("--repeats <k>", "override the suite's repeats")
    .option("--limit <n>", "only the first N items")
    .option("--no-cache", "call the target even when a cached output exists")
    .option("--no-progress", "no progress bar")
    .option("--meta <k=v>", "metadata stored with the run, e.g. git_sha=… (repeatable)", list)
    .option("--json", "print the finished run as JSON")
    .action(async (suite: string, o) => (await import("./eval-run.js")).runSuite(clientOpts(o), suite, { ...o, key: o.key ?? env.apiKey }, env.vars));
  client(ev.command("show").description("Show a run's summary (and results)").argument("<run>", "run id"))
    .option("--results", "list every result").option("--json", "print JSON")
    .action(async (id: string, o) => (await import("./eval-report.js")).showRun(clientOpts(o), id, o));
  client(ev.command("list").description("List recent runs")).option("--name <suite>", "only runs of this suite").option("-n, --limit <n>", "how many", "20").option("--json", "print JSON")
    .action(async (o) => (await import("./eval-report.js")).listRuns(clientOpts(o), o));
  client(ev.command("compare").description("Per-metric deltas of RUN_B against RUN_A, paired bootstrap CIs and McNemar tests").argument("<run-a>", "baseline run").argument("<run-b>", "candidate run"))
    .option("--level <p>", "confidence level", "0.95").option("--alpha <p>", "McNemar significance level", "0.05").option("--min-effect <d>", "smallest mean change called significant", "0")
    .option("--markdown", "print Markdown").option("--json", "print JSON")
    .action(async (a: string, b: string, o) => (await import("./eval-report.js")).compareRuns(clientOpts(o), a, b, o));
  client(ev.command("gate").description("Exit non-zero when a metric is under its threshold or regressed significantly against a baseline").argument("<run>", "candidate run"))
    .option("--baseline <run>", "baseline run to test for regressions")
    .option("--threshold <spec>", "metric:mean=0.8 or metric:pass_rate=0.9 (repeatable; replaces the suite's thresholds)", list)
    .option("--metrics <list>", "gate only these metrics (comma-separated)")
    .option("--max-error-rate <p>", "tolerated share of failed target calls", "0")
    .option("--strict-calibration", "an uncalibrated judge fails the gate instead of being left out")
    .option("--level <p>", "confidence level", "0.95").option("--alpha <p>", "McNemar significance level", "0.05").option("--min-effect <d>", "smallest mean change called a regression", "0")
    .option("--junit <file>", "write JUnit XML").option("--markdown <file>", "write a Markdown summary").option("--json", "print JSON")
    .action(async (id: string, o) => (await import("./eval-report.js")).gateRun(clientOpts(o), id, o));
  ev.command("agreement").description("Agreement statistics between two rating files (rows {id, score, rater?}); offline")
    .argument("<a>", "JSONL ratings A").argument("<b>", "JSONL ratings B")
    .option("--resamples <n>", "bootstrap resamples", "2000").option("--level <p>", "confidence level", "0.95").option("--seed <n>", "bootstrap seed", "1")
    .option("--json", "print JSON")
    .action(async (a: string, b: string, o) => (await import("./eval-agreement.js")).agreementCommand(a, b, o));
  const ratings = ev.command("ratings").description("Expert ratings, for judge calibration");
  client(ratings.command("import").description("Store expert ratings (JSONL rows {id, score, rater?}) as a named set").argument("<set>", "rating set name").argument("<file>", "JSONL file"))
    .action(async (set: string, file: string, o) => (await import("./eval-agreement.js")).importRatings(clientOpts(o), set, file));
  client(ratings.command("list").description("List rating sets")).action(async (o) => (await import("./eval-agreement.js")).listRatingSets(clientOpts(o)));
  client(ev.command("calibrate").description("Judge vs experts: a run's judge metric against a rating set; records whether the judge may gate").argument("<run>", "run id"))
    .requiredOption("--metric <name>", "the judge's metric name").requiredOption("--ratings <set>", "expert rating set")
    .option("--min-kappa <k>", "kappa required", "0.8").addOption(new Option("--weights <w>", "kappa weights").choices(["unweighted", "linear", "quadratic"]).default("quadratic"))
    .option("--min-items <n>", "fewest paired items", "30").option("--json", "print JSON")
    .action(async (id: string, o) => (await import("./eval-agreement.js")).calibrate(clientOpts(o), id, o));
  const online = ev.command("online").description("Online evaluation rules over production traces");
  client(online.command("add").description("Add a rule from a YAML or JSON file").argument("<file>", "rule file")).action(async (file: string, o) => (await import("./eval-online.js")).addRule(clientOpts(o), file));
  client(online.command("list").description("List rules")).option("--json", "print JSON").action(async (o) => (await import("./eval-online.js")).listRules(clientOpts(o), o));
  client(online.command("delete").description("Delete a rule").argument("<id>", "rule id")).action(async (id: string, o) => (await import("./eval-online.js")).deleteRule(clientOpts(o), id));
  client(online.command("summary").description("Online scores aggregated per group"))
    .option("--name <metric>", "one metric").option("--since <when>", "ISO time or epoch").addOption(new Option("--by <group>", "group by").choices(["none", "model", "feature", "key", "prompt", "rule"]).default("none"))
    .option("--json", "print JSON")
    .action(async (o) => (await import("./eval-online.js")).scoreSummary(clientOpts(o), o));
}
