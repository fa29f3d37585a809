import type { ComponentChildren, JSX } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { get } from "./api.js";
import { BASE, navigate } from "./router.js";

/** A real anchor (keyboard, middle-click and copy-link work) that routes in place on a plain click. */
export function Link(props: { to: string; children: ComponentChildren; class?: string; "aria-current"?: "page" }): JSX.Element {
  const onClick = (e: MouseEvent): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return <a href={BASE + props.to} onClick={onClick} class={props.class} aria-current={props["aria-current"]}>{props.children}</a>;
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` whenever it changes; `null` skips the request. */
export function useGet<T = any>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    get<T>(path).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (err: Error) => live && setState({ data: null, error: err.message, loading: false }),
    );
    return () => void (live = false);
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Loading and error states for a request, then its content. */
export function Async<T>(props: { r: Loaded<T>; children: (data: T) => ComponentChildren }): JSX.Element {
  if (props.r.error) return <p class="error" role="alert">Could not load: {props.r.error}</p>;
  if (props.r.data === null) return <p class="muted" aria-live="polite">Loading…</p>;
  return <>{props.children(props.r.data)}</>;
}

export function Stat(props: { label: string; value: string; hint?: string }): JSX.Element {
  return (
    <div class="stat">
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{props.value}</div>
      {props.hint ? <div class="stat-hint">{props.hint}</div> : null}
    </div>
  );
}

export interface Column<R> {
  label: string;
  cell: (row: R) => ComponentChildren;
  numeric?: boolean;
}

export function Table<R>(props: { caption: string; rows: readonly R[]; columns: Column<R>[]; empty?: string; rowKey?: (r: R, i: number) => string }): JSX.Element {
  if (props.rows.length === 0) return <p class="muted">{props.empty ?? "Nothing yet."}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>{props.columns.map((c) => <th scope="col" class={c.numeric ? "num" : undefined}>{c.label}</th>)}</tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={props.rowKey ? props.rowKey(r, i) : i}>
              {props.columns.map((c) => <td class={c.numeric ? "num" : undefined}>{c.cell(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Badge(props: { tone?: "ok" | "bad" | "warn" | "info"; children: ComponentChildren }): JSX.Element {
  return <span class={`badge ${props.tone ?? "info"}`}>{props.children}</span>;
}

/** A labelled form control; the label is always visible and bound by id. */
export function Field(props: { id: string; label: string; children: ComponentChildren }): JSX.Element {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}

/**
 * A modal form for an action that changes something: nothing happens until it is submitted;
 * Escape or Cancel closes it with nothing done. `onSubmit` returns what to tell the user; its
 * error stays in the dialog so the user can correct and retry.
 */
export function ModalForm(props: {
  id: string; title: string; submitLabel: string; danger?: boolean;
  onSubmit: () => Promise<string>; onClose: (done: string | null) => void; children: ComponentChildren;
}): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      props.onClose(await props.onSubmit());
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} aria-labelledby={`${props.id}-h`} onCancel={() => props.onClose(null)}>
      <form onSubmit={submit}>
        <h2 id={`${props.id}-h`}>{props.title}</h2>
        {props.children}
        {error ? <p class="error" role="alert">{error}</p> : null}
        <div class="actions">
          <button type="button" onClick={() => props.onClose(null)} disabled={busy}>Cancel</button>
          <button type="submit" class={props.danger ? "danger" : undefined} disabled={busy}>{props.submitLabel}</button>
        </div>
      </form>
    </dialog>
  );
}
