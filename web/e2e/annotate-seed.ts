import OpenAI, { toFile } from "openai";
import { getDefaultEmbedder } from "../../src/providers/embeddings/local-embedder.js";
import type { TestKeel } from "../../src/testing/keel-fixture.js";

/** The chunk a retrieval served, and the W3C trace the search and the chat call shared. */
export const HOURS = "Support is open from 9:00 to 17:00 on weekdays; on weekends only by email.";
export const RAG_TRACE = "6df92f3577b34da6a3ce929d0e0e4738";
const RAG_SPAN = "22f067aa0ba902b9";

/** `support-review`: quality 1–5 (ordinal), tone (nominal), accuracy 0–100 (a number box); critique required. */
export const QUEUE = {
  name: "support-review",
  description: "Answers from the support assistant, newest first.",
  filter: { route: "sim", limit: 20 },
  rubric: {
    dimensions: [
      { name: "quality", scale: { kind: "ordinal", min: 1, max: 5 }, pass: 4 },
      { name: "tone", scale: { kind: "nominal", labels: ["ok", "rude"] } },
      { name: "accuracy", scale: { kind: "interval", min: 0, max: 100 } },
    ],
    critique: "required",
  },
  reviewers: [{ name: "ann", expertise: "expert" }, { name: "bob", expertise: "generalist" }],
  reviewers_per_item: 2,
  min_agreement: 0.8,
  licence: "CC-BY-4.0",
};

/**
 * Simulator traffic for a review queue, through the official `openai` client: three plain
 * questions, then one answered from a vector store searched inside a W3C trace, so the newest
 * item (it_0) has a retrieval span with a chunk and the others have none. Then the queue.
 */
export async function seedAnnotation(keel: TestKeel): Promise<void> {
  await getDefaultEmbedder().warm();
  const client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  for (const q of ["How do I rotate an API key?", "What is the refund window for annual plans?", "Can I export my invoices as CSV?"]) {
    await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: q }], max_tokens: 24 });
  }
  const vs = await client.vectorStores.create({ name: "support-docs" });
  const file = await client.files.create({ file: await toFile(Buffer.from(HOURS), "hours.md"), purpose: "assistants" });
  await client.vectorStores.files.createAndPoll(vs.id, { file_id: file.id }, { pollIntervalMs: 50 });
  const traceparent = `00-${RAG_TRACE}-${RAG_SPAN}-01`;
  const found = await client.vectorStores.search(vs.id, { query: "support opening hours", max_num_results: 1 }, { headers: { traceparent } });
  const context = found.data.map((r) => r.content[0].text).join("\n");
  await client.chat.completions.create({
    model: "sim", max_tokens: 24,
    messages: [{ role: "system", content: `Answer from this context only:\n${context}` }, { role: "user", content: "When can I reach support?" }],
  }, { headers: { traceparent } });
  const made = await keel.admin("POST", "/api/v1/annotate/queues", QUEUE);
  if (made.status !== 201) throw new Error(`seed: queue create failed: ${JSON.stringify(made.json)}`);
}
