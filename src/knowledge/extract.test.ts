import assert from "node:assert/strict";
import { test } from "node:test";
import { ExtractError, extractText } from "./extract.js";
import { minimalPdf } from "./testing/pdf-fixture.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test("text and Markdown are read as UTF-8, a BOM dropped", async () => {
  assert.equal(await extractText("a.txt", utf8("\uFEFFplain text")), "plain text");
  assert.equal(await extractText("a.md", utf8("# Title\n\nbody")), "# Title\n\nbody");
});

test("HTML: text with block breaks; script, style and comments dropped; entities decoded", async () => {
  const html = "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body><!-- hidden --><h1>Title</h1><p>One &amp; two</p><div>three</div></body></html>";
  const text = await extractText("page.html", utf8(html));
  assert.equal(text, "Title\n\nOne & two\n\nthree");
});

test("PDF pages are extracted through pdf.js, offline", async () => {
  const text = await extractText("report.pdf", minimalPdf(["Revenue grew (12%) in Q3", "Second page"]));
  assert.equal(text, "Revenue grew (12%) in Q3\n\nSecond page");
});

test("a corrupt PDF, invalid UTF-8 and an unknown type are ExtractErrors with their reason", async () => {
  await assert.rejects(extractText("bad.pdf", utf8("%PDF-1.4 this is not a pdf")), (e: unknown) => e instanceof ExtractError && e.code === "invalid_file" && /PDF/.test(e.message));
  await assert.rejects(extractText("bad.txt", new Uint8Array([0xff, 0xfe, 0x80])), (e: unknown) => e instanceof ExtractError && e.code === "invalid_file");
  await assert.rejects(extractText("tool.exe", utf8("MZ")), (e: unknown) => e instanceof ExtractError && e.code === "unsupported_file");
});
