import type { JSX } from "preact";
import { withQuery } from "../api.js";
import { Async, Badge, Table, useGet } from "../components.js";
import { count, pct, text, usd, when } from "../format.js";

interface Key { id: string; name: string; hint: string; user: string | null; team: string | null; status: string; created_at: string; expires_at: string | null; models: string[] | null; limits: { rpm?: number; tpm?: number; max_concurrency?: number; daily_usd?: number; monthly_usd?: number } | null }
interface SpendRow { key_id?: string; user?: string; feature?: string; model?: string; requests: number; tokens_in: number; tokens_out: number; cost_usd: number }

const today = (): string => new Date().toISOString().slice(0, 10);
const monthStart = (): string => `${new Date().toISOString().slice(0, 7)}-01`;

/** Budget used: spend so far this UTC day / month against the key's own limits. */
function Used(props: { spent: number | undefined; limit: number | undefined }): JSX.Element {
  const spent = props.spent ?? 0;
  if (!props.limit) return <>{usd(spent)}</>;
  const share = spent / props.limit;
  return (
    <span>
      {usd(spent)} of {usd(props.limit)} <Badge tone={share >= 1 ? "bad" : share >= 0.8 ? "warn" : "ok"}>{pct(share)}</Badge>
    </span>
  );
}

export function KeysPage(): JSX.Element {
  const keys = useGet<{ data: Key[] }>("/api/v1/keys");
  const day = useGet<{ data: SpendRow[] }>(withQuery("/api/v1/spend", { by: "key", since: today() }));
  const month = useGet<{ data: SpendRow[]; total: SpendRow }>(withQuery("/api/v1/spend", { by: "key", since: monthStart() }));
  const users = useGet<{ data: SpendRow[] }>(withQuery("/api/v1/spend", { by: "user", since: monthStart() }));
  const features = useGet<{ data: SpendRow[] }>(withQuery("/api/v1/spend", { by: "feature", since: monthStart() }));
  const events = useGet<{ data: { at: string; kind: string; budget: string; scope: string; period: string; limit_usd: number; spent_usd: number }[] }>("/api/v1/budget-events?limit=20");
  const spentBy = (rows: SpendRow[] | undefined, id: string): number | undefined => rows?.find((r) => r.key_id === id)?.cost_usd;
  const top = (rows: SpendRow[]): SpendRow[] => [...rows].sort((a, b) => b.cost_usd - a.cost_usd).slice(0, 10);
  const spenderCols = (dim: "key_id" | "user" | "feature", label: string) => [
    { label, cell: (r: SpendRow) => text(r[dim]) },
    { label: "Requests", numeric: true, cell: (r: SpendRow) => count(r.requests) },
    { label: "Tokens", numeric: true, cell: (r: SpendRow) => count(r.tokens_in + r.tokens_out) },
    { label: "Cost", numeric: true, cell: (r: SpendRow) => usd(r.cost_usd) },
  ];
  return (
    <section aria-labelledby="keys-h">
      <h1 id="keys-h">Keys and spend</h1>
      <Async r={month}>{(m) => <p>This month: <strong>{usd(m.total.cost_usd)}</strong> over {count(m.total.requests)} requests ({count(m.total.tokens_in + m.total.tokens_out)} tokens).</p>}</Async>
      <h2>Keys</h2>
      <Async r={keys}>{(k) => (
        <Table caption="Virtual keys with budget used" rows={k.data} rowKey={(x) => x.id} empty="No keys." columns={[
          { label: "Name", cell: (x) => <>{x.name} <code>{x.hint}</code></> },
          { label: "Id", cell: (x) => <code>{x.id}</code> },
          { label: "Status", cell: (x) => <Badge tone={x.status === "active" ? "ok" : "bad"}>{x.status}</Badge> },
          { label: "User / team", cell: (x) => `${text(x.user)} / ${text(x.team)}` },
          { label: "Rate limits", cell: (x) => (x.limits?.rpm || x.limits?.tpm ? `${x.limits.rpm ? `${count(x.limits.rpm)} rpm` : ""} ${x.limits.tpm ? `${count(x.limits.tpm)} tpm` : ""}` : "—") },
          { label: "Today", cell: (x) => <Used spent={spentBy(day.data?.data, x.id)} limit={x.limits?.daily_usd} /> },
          { label: "This month", cell: (x) => <Used spent={spentBy(month.data?.data, x.id)} limit={x.limits?.monthly_usd} /> },
          { label: "Created", cell: (x) => when(x.created_at) },
        ]} />
      )}</Async>
      <div class="grid2">
        <div>
          <h2>Top keys this month</h2>
          <Async r={month}>{(m) => <Table caption="Top keys by cost" rows={top(m.data)} columns={spenderCols("key_id", "Key id")} empty="No spend this month." />}</Async>
        </div>
        <div>
          <h2>Top users this month</h2>
          <Async r={users}>{(m) => <Table caption="Top users by cost" rows={top(m.data)} columns={spenderCols("user", "User")} empty="No spend this month." />}</Async>
        </div>
        <div>
          <h2>Top features this month</h2>
          <Async r={features}>{(m) => <Table caption="Top features by cost" rows={top(m.data)} columns={spenderCols("feature", "Feature")} empty="No spend this month." />}</Async>
        </div>
      </div>
      <h2>Budget events</h2>
      <Async r={events}>{(e) => (
        <Table caption="Recent budget warnings and blocks" rows={e.data} empty="No budget events." columns={[
          { label: "When", cell: (x) => when(x.at) },
          { label: "Kind", cell: (x) => <Badge tone={x.kind.includes("exceed") || x.kind.includes("block") ? "bad" : "warn"}>{x.kind}</Badge> },
          { label: "Budget", cell: (x) => `${x.budget} (${x.scope}, ${x.period})` },
          { label: "Spent / limit", numeric: true, cell: (x) => `${usd(x.spent_usd)} / ${usd(x.limit_usd)}` },
        ]} />
      )}</Async>
    </section>
  );
}
