import type { JSX } from "preact";
import { choices, describeScale, type Dimension } from "./annotate-keys.js";

/** What a reviewer has entered for one item; kept per item, so moving away and back (or an error) loses nothing. */
export interface Draft { values: Record<string, string>; critique: string; correction: string }
export const emptyDraft = (): Draft => ({ values: {}, critique: "", correction: "" });

export interface FormError { message: string; param: string | null }

/** The id of a dimension's first control, so the page can move focus to it. */
export const dimControlId = (i: number, value?: string | number): string => (value === undefined ? `dim-${i}-input` : `dim-${i}-v-${String(value).replace(/[^\w-]/g, "_")}`);

/**
 * The rubric as a form: each dimension a radio group with its scale (or a number box for a wide
 * range), the critique (marked when required) and an optional correction. Validation is the
 * API's (noValidate): its message, e.g. a value off the scale, is shown at the field it names.
 */
export function RubricForm(props: {
  dimensions: Dimension[]; critique: "required" | "optional"; draft: Draft; focused: number; error: FormError | null; busy: boolean; readOnly: boolean;
  onChange: (d: Draft) => void; onFocusDim: (i: number) => void; onSubmit: () => void; onSkip: () => void;
}): JSX.Element {
  const { draft, error } = props;
  const at = (param: string): string | null => (error && error.param === param ? error.message : null);
  const setValue = (name: string, v: string): void => props.onChange({ ...draft, values: { ...draft.values, [name]: v } });
  const critiqueError = at("critique");
  // An error naming a field is shown at it; any other below the form.
  const known = new Set(["critique", ...props.dimensions.map((d) => `values.${d.name}`)]);
  return (
    <form class="rubric" aria-label="Rubric" noValidate onSubmit={(e) => (e.preventDefault(), props.onSubmit())}>
      <h2>Rubric</h2>
      {props.dimensions.map((d, i) => {
        const cs = choices(d.scale);
        const msg = at(`values.${d.name}`);
        const errId = `dim-${i}-error`;
        return (
          <fieldset key={d.name} class={`dim${props.focused === i ? " focused" : ""}`} onFocusIn={() => props.onFocusDim(i)} aria-describedby={msg ? errId : undefined}>
            <legend>{d.name} <span class="muted">({describeScale(d)})</span></legend>
            {cs ? (
              <div class="choices">
                {cs.map((c) => {
                  const id = dimControlId(i, c.value);
                  return (
                    <label key={String(c.value)} for={id} class={`choice${draft.values[d.name] === String(c.value) ? " picked" : ""}`}>
                      <input type="radio" id={id} name={`dim-${i}`} value={String(c.value)} checked={draft.values[d.name] === String(c.value)} aria-invalid={msg ? true : undefined}
                        onChange={() => setValue(d.name, String(c.value))} />
                      <span>{String(c.value)}</span>
                      {c.digit || c.letter ? <kbd title="key">{[c.digit, c.letter].filter(Boolean).join(" / ")}</kbd> : null}
                    </label>
                  );
                })}
              </div>
            ) : (
              <label class="number-dim" for={dimControlId(i)}>
                Value ({d.scale.kind !== "nominal" ? `${d.scale.min}–${d.scale.max}` : ""})
                <input id={dimControlId(i)} type="number" inputMode="numeric" step={1} value={draft.values[d.name] ?? ""} aria-invalid={msg ? true : undefined}
                  onInput={(e) => setValue(d.name, (e.target as HTMLInputElement).value)} />
              </label>
            )}
            {msg ? <p id={errId} class="error field-error" role="alert">{msg}</p> : null}
          </fieldset>
        );
      })}
      <div class="field">
        <label for="critique">Critique {props.critique === "required" ? <span class="required">(required)</span> : <span class="muted">(optional)</span>}</label>
        <textarea id="critique" rows={3} value={draft.critique} aria-required={props.critique === "required"} aria-invalid={critiqueError ? true : undefined} aria-describedby={critiqueError ? "critique-error" : undefined}
          onInput={(e) => props.onChange({ ...draft, critique: (e.target as HTMLTextAreaElement).value })} />
        {critiqueError ? <p id="critique-error" class="error field-error" role="alert">{critiqueError}</p> : null}
      </div>
      <div class="field">
        <label for="correction">Correction <span class="muted">(optional: a better answer, exported as the preferred one)</span></label>
        <textarea id="correction" rows={3} value={draft.correction} onInput={(e) => props.onChange({ ...draft, correction: (e.target as HTMLTextAreaElement).value })} />
      </div>
      {error && !(error.param && known.has(error.param)) ? <p class="error" role="alert">{error.message}</p> : null}
      {/* A viewer key only reads: no write control is shown (the API would refuse it with a 403). */}
      {props.readOnly ? null : (
        <div class="row-actions">
          <button type="submit" disabled={props.busy}>Submit label <kbd>Enter</kbd></button>
          <button type="button" onClick={props.onSkip} disabled={props.busy}>Skip <kbd>S</kbd></button>
        </div>
      )}
    </form>
  );
}

/** The keys of the work view, shown beside the form. */
export function KeyHints(): JSX.Element {
  const rows: [string, string][] = [
    ["1–9, 0, letters", "pick a value for the focused dimension"],
    ["Tab, ↑ ↓", "move between dimensions (↑ ↓ from anywhere but a text box)"],
    ["Enter", "submit the label (Ctrl+Enter in a text box)"],
    ["S", "skip the item"],
    ["J or →, K or ←", "next, previous item"],
    ["Esc", "leave a text box"],
  ];
  return (
    <section class="key-hints" aria-labelledby="keys-h">
      <h2 id="keys-h">Keys</h2>
      <dl>{rows.map(([k, v]) => <><dt><kbd>{k}</kbd></dt><dd>{v}</dd></>)}</dl>
    </section>
  );
}
