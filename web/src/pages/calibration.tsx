import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { Async, Badge, Link, Table, useGet } from "../components.js";
import { count, pct, when } from "../format.js";

type Estimate = { value: number | null; reason?: string };
type WithCi = Estimate & { ci: [number, number] | null };
interface Agreement {
  n: number; only_a: number; only_b: number; percent_agreement: Estimate;
  kappa: { unweighted: WithCi; linear: WithCi; quadratic: WithCi };
  krippendorff_alpha: { nominal: Estimate; ordinal: Estimate; interval: Estimate };
  spearman: Estimate; kendall_tau_b: Estimate;
  confusion: { categories: number[]; counts: number[][] };
  ci_level: number; resamples: number;
}
interface InterAnnotator {
  raters: string[]; items: number; krippendorff_alpha: { nominal: Estimate; ordinal: Estimate; interval: Estimate };
  pairs: { a: string; b: string; n: number; kappa: Estimate; kappa_quadratic: Estimate }[];
  mean_pairwise_kappa: Estimate; mean_pairwise_kappa_quadratic: Estimate;
}
export interface Calibration {
  judge: string; fingerprint: string; run_id: string | null; ratings_set: string | null;
  policy: { min_kappa: number; weights: "unweighted" | "linear" | "quadratic"; min_items: number };
  kappa: number | null; kappa_ci: [number, number] | null; n: number; calibrated: boolean; reason: string;
  agreement: Agreement; inter_annotator: InterAnnotator | null; created_at: string;
}

const est = (e: Estimate | null | undefined): string => (!e ? "—" : e.value === null ? "undefined" : e.value.toFixed(3));
const withCi = (e: WithCi): string => `${est(e)}${e.ci ? ` [${e.ci[0].toFixed(3)}, ${e.ci[1].toFixed(3)}]` : ""}`;
const why = (e: Estimate): string | undefined => (e.value === null ? e.reason : undefined);

/** Judge-vs-expert calibrations, newest first, each with its full agreement report on demand. */
export function CalibrationPage(): JSX.Element {
  const r = useGet<{ data: Calibration[] }>("/api/v1/evals/calibrations?limit=100");
  const [open, setOpen] = useState<number | null>(null);
  return (
    <section aria-labelledby="cal-h">
      <p><Link to="/evals">← Eval runs</Link></p>
      <h1 id="cal-h">Judge calibration</h1>
      <p class="muted">A judge may gate a release only when its latest calibration against expert ratings passes. Record one with <code>keel eval calibrate</code>.</p>
      <Async r={r}>{(d) => (
        <>
          <Table caption="Calibrations, newest first" rows={d.data} rowKey={(c, i) => `${c.created_at}#${i}`} empty="No calibrations yet." columns={[
            { label: "Judge", cell: (c) => {
              const i = d.data.indexOf(c);
              return <button type="button" class="link" aria-expanded={open === i} aria-controls={`cal-report-${i}`} onClick={() => setOpen(open === i ? null : i)}>{c.judge}</button>;
            } },
            { label: "Result", cell: (c) => <Badge tone={c.calibrated ? "ok" : "bad"}>{c.calibrated ? "calibrated" : "not calibrated"}</Badge> },
            { label: `Kappa [CI]`, numeric: true, cell: (c) => (c.kappa === null ? "undefined" : `${c.kappa.toFixed(3)}${c.kappa_ci ? ` [${c.kappa_ci[0].toFixed(3)}, ${c.kappa_ci[1].toFixed(3)}]` : ""}`) },
            { label: "Required", numeric: true, cell: (c) => `${c.policy.weights} ≥ ${c.policy.min_kappa}` },
            { label: "Items", numeric: true, cell: (c) => count(c.n) },
            { label: "Expert set", cell: (c) => c.ratings_set ?? "—" },
            { label: "Run", cell: (c) => (c.run_id ? <Link to={`/evals/${encodeURIComponent(c.run_id)}`}>{c.run_id}</Link> : "—") },
            { label: "When", cell: (c) => when(c.created_at) },
          ]} />
          {open !== null && d.data[open] ? <Report c={d.data[open]} id={`cal-report-${open}`} /> : null}
        </>
      )}</Async>
    </section>
  );
}

function Report(props: { c: Calibration; id: string }): JSX.Element {
  const { c } = props;
  const a = c.agreement;
  const ia = c.inter_annotator;
  const judgeVsExperts = c.kappa;
  const expertsQuadratic = ia?.mean_pairwise_kappa_quadratic.value ?? null;
  return (
    <section id={props.id} class="card" aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>Report: {c.judge}</h2>
      <p><Badge tone={c.calibrated ? "ok" : "bad"}>{c.calibrated ? "calibrated" : "not calibrated"}</Badge> {c.reason}.</p>
      <dl class="facts">
        <dt>Judge fingerprint</dt><dd><code>{c.fingerprint.slice(0, 16)}</code> (model and prompt; a change needs a new calibration)</dd>
        <dt>Items compared</dt><dd>{count(a.n)} rated by both; {count(a.only_a)} only by the judge, {count(a.only_b)} only by the experts</dd>
        <dt>Percent agreement</dt><dd>{a.percent_agreement.value === null ? "undefined" : pct(a.percent_agreement.value)}</dd>
        <dt>Confidence intervals</dt><dd>{pct(a.ci_level)} percentile bootstrap over items, {count(a.resamples)} resamples</dd>
        {ia && judgeVsExperts !== null && expertsQuadratic !== null
          ? <><dt>Judge vs experts' own agreement</dt><dd>judge {judgeVsExperts.toFixed(3)} ({c.policy.weights}) vs experts' mean pairwise quadratic kappa {expertsQuadratic.toFixed(3)}</dd></>
          : null}
      </dl>
      <h3>Agreement with the expert consensus</h3>
      <Table caption="Agreement statistics between the judge and the experts" rows={[
        ["Cohen's kappa, unweighted", withCi(a.kappa.unweighted), why(a.kappa.unweighted)],
        ["Cohen's kappa, linear weights", withCi(a.kappa.linear), why(a.kappa.linear)],
        ["Cohen's kappa, quadratic weights", withCi(a.kappa.quadratic), why(a.kappa.quadratic)],
        ["Krippendorff's alpha, nominal", est(a.krippendorff_alpha.nominal), why(a.krippendorff_alpha.nominal)],
        ["Krippendorff's alpha, ordinal", est(a.krippendorff_alpha.ordinal), why(a.krippendorff_alpha.ordinal)],
        ["Krippendorff's alpha, interval", est(a.krippendorff_alpha.interval), why(a.krippendorff_alpha.interval)],
        ["Spearman's rho", est(a.spearman), why(a.spearman)],
        ["Kendall's tau-b", est(a.kendall_tau_b), why(a.kendall_tau_b)],
      ] as [string, string, string | undefined][]} rowKey={(r) => r[0]} columns={[
        { label: "Statistic", cell: (r) => r[0] },
        { label: "Value", numeric: true, cell: (r) => r[1] },
        { label: "Note", cell: (r) => r[2] ?? "" },
      ]} />
      <h3>Confusion matrix</h3>
      {a.confusion.categories.length === 0 ? <p class="muted">No items in common.</p> : (
        <div class="table-wrap">
          <table class="confusion">
            <caption class="sr-only">Rows: the judge's rating; columns: the experts' consensus rating</caption>
            <thead><tr><th scope="col">Judge ↓ / experts →</th>{a.confusion.categories.map((k) => <th scope="col" class="num">{k}</th>)}</tr></thead>
            <tbody>
              {a.confusion.counts.map((row, i) => (
                <tr><th scope="row">{a.confusion.categories[i]}</th>{row.map((n, j) => <td class={`num${i === j ? " diag" : ""}`}>{n}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Agreement among the experts</h3>
      {!ia ? <p class="muted">One expert rater: inter-annotator agreement needs at least two.</p> : (
        <>
          <p>{ia.raters.length} raters ({ia.raters.join(", ")}) over {count(ia.items)} items. Krippendorff's alpha: nominal {est(ia.krippendorff_alpha.nominal)}, ordinal {est(ia.krippendorff_alpha.ordinal)}, interval {est(ia.krippendorff_alpha.interval)}. Light's kappa {est(ia.mean_pairwise_kappa)} (quadratic {est(ia.mean_pairwise_kappa_quadratic)}).</p>
          <Table caption="Pairwise agreement between expert raters" rows={ia.pairs} rowKey={(p) => `${p.a}/${p.b}`} columns={[
            { label: "Raters", cell: (p) => `${p.a} × ${p.b}` },
            { label: "Items", numeric: true, cell: (p) => count(p.n) },
            { label: "Kappa", numeric: true, cell: (p) => est(p.kappa) },
            { label: "Quadratic kappa", numeric: true, cell: (p) => est(p.kappa_quadratic) },
          ]} />
        </>
      )}
    </section>
  );
}
