/**
 * The deployment files (Dockerfile, deploy/kubernetes, deploy/docker-compose.yml) checked against
 * the code they deploy: no container engine or cluster runs here, so what can drift silently —
 * probe paths and ports, the drain against terminationGracePeriodSeconds, selectors, user ids,
 * environment names, CLI arguments, the embedded keel.yaml — is read from both sides and compared.
 * docs/deploy.md says what this does not cover.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { buildProgram } from "../cli/main.js";
import { readCliEnv, readEnv } from "../config/env.js";
import { loadConfig, type ResolvedConfig } from "../config/load.js";
import { configSchema } from "../config/schema.js";
import { parseKey } from "../secrets/master-key.js";

const ROOT = new URL("../../", import.meta.url).pathname;

// Parsed YAML of known shape, read field by field: a wrong path fails an assertion, not the compiler.
type Obj = Record<string, any>;

interface Manifest {
  file: string;
  doc: Obj;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort();
}

function parseYaml(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(join(ROOT, file), "utf8"), { uniqueKeys: true, merge: true });
  if (!Array.isArray(docs)) return [];
  for (const d of docs) assert.deepEqual(d.errors.map((e) => e.message), [], `${file}: invalid YAML`);
  return docs.map((d) => d.toJS() as Obj).filter((d) => d !== null);
}

const manifests: Manifest[] = yamlFiles("deploy/kubernetes").flatMap((file) => parseYaml(file).map((doc) => ({ file, doc })));

function one(kind: string): Obj {
  const found = manifests.filter((m) => m.doc.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind} in deploy/kubernetes`);
  return found[0].doc;
}

const deployment = one("Deployment");
const podSpec: Obj = deployment.spec.template.spec;
const container: Obj = podSpec.containers.find((c: Obj) => c.name === "keel");
const job = one("Job");
const jobContainer: Obj = job.spec.template.spec.containers[0];
const secret = one("Secret");
const configMap = one("ConfigMap");

/** Every environment variable Keel reads, recorded by handing its readers an environment that logs lookups. */
function namesKeelReads(): Set<string> {
  const seen = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_t, k) => {
      if (typeof k === "string") seen.add(k);
      return undefined;
    },
  });
  readEnv(env);
  readCliEnv(env);
  return seen;
}
const KEEL_READS = namesKeelReads();
/** Read by Node and dependencies, not by Keel; the only other names a deployment file may set. */
const NOT_KEEL = new Set(["NODE_ENV"]);

/** Stand-ins of the right shape for what the Secret (or the compose shell) supplies. */
const SAMPLE_ENV: Readonly<Record<string, string>> = {
  KEEL_STORE_URL: "postgres://keel:pw@postgres:5432/keel",
  KEEL_REDIS_URL: "redis://redis:6379",
  KEEL_ADMIN_TOKEN: "a".repeat(32),
  KEEL_MASTER_KEY: "0".repeat(64),
};

function containerEnvNames(c: Obj): string[] {
  const direct = (c.env ?? []).map((e: Obj) => e.name as string);
  const fromSecret = (c.envFrom ?? []).flatMap((f: Obj) => {
    assert.equal(f.secretRef?.name, secret.metadata.name, "envFrom names the Secret in secret.yaml");
    return Object.keys(secret.stringData);
  });
  return [...direct, ...fromSecret];
}

function envValue(c: Obj, name: string): string | undefined {
  return (c.env ?? []).find((e: Obj) => e.name === name)?.value;
}

function matches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The keel.yaml a container mounts, loaded as Keel would with the Secret's variables set. */
function loadEmbedded(text: string, env: Readonly<Record<string, string>>, label: string): ResolvedConfig {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  assert.ok(!Array.isArray(docs) || docs.length === 1, `${label}: one document`);
  const doc = Array.isArray(docs) ? docs[0] : docs;
  assert.deepEqual(doc.errors.map((e) => e.message), [], `${label}: invalid YAML`);
  return loadConfig({ inline: doc.toJS(), env: { ...env }, cwd: "/app" });
}

const envRefs = (text: string): string[] => [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]);

/** The port a probe or a Service's targetPort names (a number, or a container port's name). */
function resolvePort(port: number | string): number {
  if (typeof port === "number") return port;
  const p = (container.ports as Obj[]).find((x) => x.name === port);
  assert.ok(p, `container port named "${port}"`);
  return p.containerPort as number;
}

function preStopSleepSeconds(c: Obj): number {
  const cmd: string[] | undefined = c.lifecycle?.preStop?.exec?.command;
  if (cmd) {
    assert.equal(cmd[0], "sleep", "preStop is a sleep");
    return Number(cmd[1]);
  }
  return Number(c.lifecycle?.preStop?.sleep?.seconds ?? 0);
}

/** The CLI accepts these arguments: a known command and only options it declares. */
function assertCliArgs(args: readonly string[], where: string): void {
  const program = buildProgram(readCliEnv({}));
  const cmd = program.commands.find((c) => c.name() === args[0]);
  assert.ok(cmd, `${where}: \`keel ${args[0]}\` is a command`);
  for (const a of args.filter((x) => x.startsWith("-"))) assert.ok(cmd.options.some((o) => o.long === a || o.short === a), `${where}: \`keel ${args[0]}\` has ${a}`);
}

// --- Dockerfile -----------------------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
}

function dockerfile(): { stages: { from: string; name?: string; body: Instruction[] }[] } {
  const text = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const stages: { from: string; name?: string; body: Instruction[] }[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    assert.ok(m, `Dockerfile: "${line}"`);
    const op = m[1].toUpperCase();
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(m[2]);
      assert.ok(f, `Dockerfile: FROM ${m[2]}`);
      stages.push({ from: f[1], name: f[2], body: [] });
    } else {
      assert.ok(stages.length > 0, "Dockerfile: an instruction before FROM");
      stages[stages.length - 1].body.push({ op, args: m[2] });
    }
  }
  return { stages };
}

const image = dockerfile();
const runtime = image.stages[image.stages.length - 1];
const lastOf = (op: string): string | undefined => runtime.body.filter((i) => i.op === op).at(-1)?.args;
const imageEnv = new Map(runtime.body.filter((i) => i.op === "ENV").flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]] as const)));
const imageUid = Number((lastOf("USER") ?? "").split(":")[0]);

test("the Dockerfile builds in a separate stage and runs node:20-bookworm-slim as a numeric non-root user", () => {
  assert.ok(image.stages.length >= 2, "multi-stage");
  assert.equal(image.stages[0].name, "build");
  const install = image.stages[0].body.find((i) => i.op === "RUN" && /npm ci\b/.test(i.args));
  assert.ok(install, "the build stage runs npm ci");
  // better-sqlite3 and usearch are built by their install scripts: skipped ones must be rebuilt.
  assert.ok(!/--ignore-scripts/.test(install.args) || /npm rebuild/.test(install.args), "native addons are built");
  assert.ok(image.stages[0].body.some((i) => i.op === "RUN" && /npm run build/.test(i.args) && /npm prune --omit=dev/.test(i.args)), "the build stage builds and drops dev dependencies");
  assert.ok(image.stages[0].body.some((i) => i.op === "RUN" && /python3/.test(i.args) && /\bg\+\+/.test(i.args) && /\bmake\b/.test(i.args)), "a toolchain for node-gyp");
  assert.equal(runtime.from, "node:20-bookworm-slim");
  assert.ok(runtime.body.some((i) => i.op === "COPY" && /--from=build/.test(i.args)), "the runtime copies from the build stage");
  assert.ok(!runtime.body.some((i) => i.op === "RUN" && /\bg\+\+|npm (?:ci|install)\b/.test(i.args)), "no toolchain or install in the runtime stage");
  assert.ok(Number.isInteger(imageUid) && imageUid > 0, `USER is numeric and not root, got "${lastOf("USER")}"`);
});

test("the image listens on all interfaces at the port it exposes, and its HEALTHCHECK asks /healthz there", () => {
  const defaultPort = configSchema.parse({}).server.port;
  assert.equal(lastOf("EXPOSE"), String(defaultPort));
  assert.equal(imageEnv.get("KEEL_PORT") ?? String(defaultPort), lastOf("EXPOSE"));
  // Keel binds 127.0.0.1 by default: a container must be told otherwise or nothing outside reaches it.
  assert.equal(imageEnv.get("KEEL_HOST"), "0.0.0.0");
  assert.match(lastOf("HEALTHCHECK") ?? "", /\/healthz/);
  assert.match(lastOf("HEALTHCHECK") ?? "", /KEEL_PORT/, "follows a changed KEEL_PORT");
  assert.equal(lastOf("VOLUME")?.includes(imageEnv.get("KEEL_DATA_DIR") ?? "?"), true, "the data dir is a volume");
  for (const name of imageEnv.keys()) assert.ok(KEEL_READS.has(name) || NOT_KEEL.has(name), `Dockerfile ENV ${name} is read by Keel`);
});

test("the image's entrypoint forwards signals to `node bin/keel.js`, and its CMD is a Keel command", () => {
  const entry = JSON.parse(lastOf("ENTRYPOINT") ?? "[]") as string[];
  assert.match(entry[0], /\/tini$/);
  assert.deepEqual(entry.slice(entry.indexOf("--") + 1), ["node", "bin/keel.js"]);
  assertCliArgs(JSON.parse(lastOf("CMD") ?? "[]") as string[], "Dockerfile CMD");
  const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
  for (const p of ["node_modules", "dist", ".keel", ".git"]) assert.ok(ignore.includes(p), `.dockerignore lists ${p}`);
});

// --- Kubernetes -----------------------------------------------------------------------------------

test("every YAML file under deploy/ parses, and each Kubernetes object has apiVersion, kind and a name", () => {
  const all = yamlFiles("deploy");
  assert.ok(all.length >= 9, `deploy/ holds the manifests, the compose file and its config (${all.length})`);
  for (const f of all) assert.ok(parseYaml(f).length > 0, `${f}: empty`);
  for (const { file, doc } of manifests) {
    assert.ok(doc.apiVersion && doc.kind && doc.metadata?.name, `${file}: apiVersion, kind, metadata.name`);
  }
  const kinds = manifests.map((m) => m.doc.kind).sort();
  assert.deepEqual(kinds, ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "PodDisruptionBudget", "Secret", "Service"]);
});

test("the probes ask /readyz (readiness) and /healthz (liveness, startup) on the port Keel listens on", () => {
  const port = Number(envValue(container, "KEEL_PORT") ?? imageEnv.get("KEEL_PORT"));
  assert.equal(container.ports.length, 1);
  assert.equal(container.ports[0].containerPort, port);
  assert.equal(String(port), lastOf("EXPOSE"));
  assert.equal(container.readinessProbe.httpGet.path, "/readyz");
  assert.equal(container.livenessProbe.httpGet.path, "/healthz");
  assert.equal(container.startupProbe.httpGet.path, "/healthz");
  for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) assert.equal(resolvePort(probe.httpGet.port), port);
  assert.equal(envValue(container, "KEEL_HOST") ?? imageEnv.get("KEEL_HOST"), "0.0.0.0");
});

test("terminationGracePeriodSeconds covers the preStop sleep, Keel's drain (server.shutdown_grace_ms) and closing", () => {
  const config = loadEmbedded(configMap.data["keel.yaml"], SAMPLE_ENV, "configmap.yaml keel.yaml");
  const graceMs = config.server.shutdown_grace_ms;
  // Read from the schema, so a changed default fails here rather than in a cluster.
  assert.equal(graceMs, configSchema.parse({}).server.shutdown_grace_ms, "the ConfigMap leaves the drain at the schema's default (change both together)");
  const preStopMs = preStopSleepSeconds(container) * 1000;
  assert.ok(preStopMs >= 2000, "a preStop sleep lets endpoints drop the pod before Keel closes its port");
  // After the drain, Keel closes workers and flushes the last trace batch: a margin for that.
  const closingMs = 5000;
  const periodMs = podSpec.terminationGracePeriodSeconds * 1000;
  assert.ok(periodMs >= preStopMs + graceMs + closingMs, `terminationGracePeriodSeconds ${podSpec.terminationGracePeriodSeconds} s < preStop ${preStopMs} ms + drain ${graceMs} ms + closing ${closingMs} ms`);
});

test("pods run as the image's non-root user with a read-only root filesystem; the data dir and /tmp are emptyDirs", () => {
  for (const [name, spec] of [["Deployment", podSpec], ["Job", job.spec.template.spec]] as const) {
    assert.equal(spec.securityContext.runAsNonRoot, true, `${name}: runAsNonRoot`);
    assert.equal(spec.securityContext.runAsUser, imageUid, `${name}: runAsUser is the Dockerfile's USER`);
    for (const c of spec.containers as Obj[]) {
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${name}: readOnlyRootFilesystem`);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, `${name}: allowPrivilegeEscalation`);
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
      const dataDir = envValue(c, "KEEL_DATA_DIR") ?? imageEnv.get("KEEL_DATA_DIR");
      for (const path of [dataDir, "/tmp"]) {
        const mount = (c.volumeMounts as Obj[]).find((m) => m.mountPath === path);
        assert.ok(mount, `${name}: ${path} is mounted (the root filesystem is read-only)`);
        const volume = (spec.volumes as Obj[]).find((v) => v.name === mount.name);
        assert.ok(volume?.emptyDir, `${name}: ${path} is an emptyDir`);
      }
    }
  }
});

test("the Service, PodDisruptionBudget and HPA all point at the Deployment's server pods, never the migrate Job's", () => {
  const labels: Record<string, string> = deployment.spec.template.metadata.labels;
  const jobLabels: Record<string, string> = job.spec.template.metadata.labels;
  assert.ok(matches(deployment.spec.selector.matchLabels, labels), "the Deployment's selector matches its own pods");
  const service = one("Service");
  assert.ok(matches(service.spec.selector, labels), "Service selector matches the pods");
  assert.ok(!matches(service.spec.selector, jobLabels), "Service does not send traffic to the migrate Job");
  for (const p of service.spec.ports as Obj[]) assert.equal(resolvePort(p.targetPort), container.ports[0].containerPort);
  const pdb = one("PodDisruptionBudget");
  assert.equal(pdb.apiVersion, "policy/v1");
  assert.ok(matches(pdb.spec.selector.matchLabels, labels), "PDB selector matches the pods");
  assert.ok(!matches(pdb.spec.selector.matchLabels, jobLabels), "PDB does not count the Job's pod");
  const hpa = one("HorizontalPodAutoscaler");
  assert.equal(hpa.apiVersion, "autoscaling/v2");
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
  assert.ok(hpa.spec.metrics.some((m: Obj) => m.type === "Resource" && m.resource.name === "cpu"), "HPA scales on CPU");
  assert.ok(container.resources.requests.cpu, "CPU utilisation needs a CPU request");
  // With maxUnavailable 1 (or minAvailable n), a drain must leave at least one pod serving.
  const minAvailable = pdb.spec.minAvailable ?? hpa.spec.minReplicas - pdb.spec.maxUnavailable;
  assert.ok(minAvailable >= 2 && minAvailable < hpa.spec.minReplicas, `PDB keeps ≥ 2 of ${hpa.spec.minReplicas} pods and still lets one go`);
  assert.ok(deployment.spec.replicas >= hpa.spec.minReplicas);
});

test("the ConfigMap's keel.yaml is a valid Keel config on PostgreSQL and Redis, with migrations left to the Job", () => {
  const text: string = configMap.data["keel.yaml"];
  const config = loadEmbedded(text, SAMPLE_ENV, "configmap.yaml keel.yaml");
  assert.equal(config.store, SAMPLE_ENV.KEEL_STORE_URL);
  assert.equal(config.redis.url, SAMPLE_ENV.KEEL_REDIS_URL);
  assert.equal(config.limits.backend, "redis", "limits hold across replicas only in Redis");
  assert.equal(config.cache.backend, "redis", "a cache shared by the replicas");
  assert.equal(config.postgres.migrate_on_start, false, "the migrate Job applies the schema");
  for (const c of [container, jobContainer]) {
    const names = containerEnvNames(c);
    for (const ref of envRefs(text)) assert.ok(names.includes(ref), `\${${ref}} in keel.yaml is set in ${c.name}'s environment`);
    const mount = (c.volumeMounts as Obj[]).find((m) => m.mountPath === "/etc/keel");
    const volume = ((c === container ? podSpec : job.spec.template.spec).volumes as Obj[]).find((v) => v.name === mount?.name);
    assert.equal(volume?.configMap?.name, configMap.metadata.name, `${c.name} mounts the ConfigMap at /etc/keel`);
  }
  // Without the variable a pod stops at start with its name, rather than falling back to SQLite.
  const { KEEL_STORE_URL: _unset, ...withoutStore } = SAMPLE_ENV;
  assert.throws(() => loadEmbedded(text, withoutStore, "configmap.yaml keel.yaml"), /environment variable KEEL_STORE_URL is not set/);
});

test("the Deployment starts and the Job migrates with the mounted config; every variable they set is one Keel reads", () => {
  assert.deepEqual(container.args, ["start", "--config", "/etc/keel/keel.yaml"]);
  assertCliArgs(container.args, "Deployment args");
  assert.deepEqual(jobContainer.args, ["migrate", "--config", "/etc/keel/keel.yaml"]);
  // The schema a release needs is the one its own image migrates to.
  assert.equal(jobContainer.image, container.image, "the Job migrates with the Deployment's image");
  assertCliArgs(jobContainer.args, "Job args");
  assert.equal(job.spec.template.spec.restartPolicy, "Never");
  for (const c of [container, jobContainer]) {
    for (const name of containerEnvNames(c)) assert.ok(KEEL_READS.has(name), `${c.name}: ${name} is read by Keel (src/config/env.ts)`);
  }
});

test("the Secret is a template: placeholders only, and an unedited one cannot start Keel", () => {
  const values: Record<string, string> = secret.stringData;
  assert.deepEqual(Object.keys(values).sort(), ["KEEL_ADMIN_TOKEN", "KEEL_MASTER_KEY", "KEEL_REDIS_URL", "KEEL_STORE_URL"]);
  assert.equal(values.KEEL_ADMIN_TOKEN, "CHANGE_ME");
  assert.equal(values.KEEL_MASTER_KEY, "CHANGE_ME");
  assert.match(values.KEEL_STORE_URL, /^postgres:\/\/[^:]+:CHANGE_ME@/);
  assert.equal(parseKey(values.KEEL_MASTER_KEY), undefined, "the placeholder master key is refused");
  assert.throws(() => readEnv({ KEEL_ADMIN_TOKEN: values.KEEL_ADMIN_TOKEN }), /at least 16 characters/);
});

// --- docker-compose -------------------------------------------------------------------------------

const compose = parseYaml("deploy/docker-compose.yml")[0];
const keelServices = Object.entries(compose.services as Record<string, Obj>).filter(([, s]) => s.image === compose.services["keel-1"].image);

function seconds(d: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(d);
  assert.ok(m, `a duration: ${d}`);
  return Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
}

test("compose runs Postgres 15, Redis 7, a migrate step and three Keel instances on distinct ports, each healthchecked", () => {
  assert.equal(compose.services.postgres.image, "postgres:15");
  assert.equal(compose.services.redis.image, "redis:7");
  assert.ok(compose.services.postgres.healthcheck?.test, "postgres healthcheck");
  assert.ok(compose.services.redis.healthcheck?.test, "redis healthcheck");
  const instances = keelServices.filter(([name]) => name !== "migrate");
  assert.equal(instances.length, 3);
  const hostPorts = instances.map(([, s]) => String(s.ports[0]).split(":")[0]);
  assert.equal(new Set(hostPorts).size, 3, "distinct host ports");
  for (const [name, s] of instances) {
    assert.match(String(s.ports[0]), new RegExp(`:${lastOf("EXPOSE")}$`), `${name} maps the container port`);
    assert.match(s.healthcheck.test.join(" "), /\/readyz/, `${name} is healthy when ready`);
    assert.equal(s.depends_on.postgres.condition, "service_healthy");
    assert.equal(s.depends_on.redis.condition, "service_healthy");
    assert.equal(s.depends_on.migrate.condition, "service_completed_successfully");
    assertCliArgs(s.command, `compose ${name}`);
  }
  assert.deepEqual(compose.services.migrate.command.slice(0, 1), ["migrate"]);
  assertCliArgs(compose.services.migrate.command, "compose migrate");
  assert.equal(compose.services.migrate.depends_on.postgres.condition, "service_healthy");
});

test("compose instances set only variables Keel reads, share one master key, and outwait the drain on stop", () => {
  const graceMs = configSchema.parse({}).server.shutdown_grace_ms;
  const config = loadEmbedded(readFileSync(join(ROOT, "deploy/compose/keel.yaml"), "utf8"), SAMPLE_ENV, "deploy/compose/keel.yaml");
  assert.equal(config.postgres.migrate_on_start, false);
  assert.equal(config.limits.backend, "redis");
  assert.equal(config.server.shutdown_grace_ms, graceMs);
  for (const [name, s] of keelServices) {
    const env = s.environment as Record<string, string>;
    for (const k of Object.keys(env)) assert.ok(KEEL_READS.has(k), `compose ${name}: ${k} is read by Keel (src/config/env.ts)`);
    for (const ref of envRefs(readFileSync(join(ROOT, "deploy/compose/keel.yaml"), "utf8"))) assert.ok(ref in env, `compose ${name} sets ${ref}`);
    // Compose interpolation from the shell, required: no key in the repository, the same for all.
    assert.match(env.KEEL_MASTER_KEY, /^\$\{KEEL_MASTER_KEY:\?/);
    assert.ok(seconds(s.stop_grace_period) * 1000 > graceMs, `compose ${name}: stop_grace_period > server.shutdown_grace_ms (${graceMs} ms)`);
  }
});
