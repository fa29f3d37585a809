import type { JSX } from "preact";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, canWrite, clearToken, getToken, onUnauthorized, type Role, setRole, setToken } from "./api.js";
import { Link } from "./components.js";
import { navigate, usePath } from "./router.js";
import { AlertsPage, IncidentPage } from "./pages/alerts.js";
import { AnnotateRoute } from "./pages/annotate.js";
import { CachePage } from "./pages/cache.js";
import { CalcPage } from "./pages/calc.js";
import { CalibrationPage } from "./pages/calibration.js";
import { EvalRunPage, EvalsPage } from "./pages/evals.js";
import { GuardPage } from "./pages/guard.js";
import { KeysPage } from "./pages/keys.js";
import { KnowledgePage } from "./pages/knowledge.js";
import { ModelsPage } from "./pages/models.js";
import { OverviewPage } from "./pages/overview.js";
import { PromptDetailPage, PromptsPage } from "./pages/prompts.js";
import { TraceDetailPage, TracesPage } from "./pages/traces.js";
import "./style.css";

const NAV: [string, string][] = [
  ["/", "Overview"], ["/traces", "Traces"], ["/prompts", "Prompts"], ["/evals", "Evals"],
  ["/guard", "Guardrails"], ["/alerts", "Alerts"], ["/keys", "Keys and spend"],
  ["/annotate", "Annotate"],
  ["/models", "Models"], ["/calc", "Calculators"],
  ["/knowledge", "Knowledge"], ["/cache", "Cache"],
];

function page(path: string): JSX.Element {
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  switch (seg[0]) {
    case undefined: return <OverviewPage />;
    case "traces": return seg[1] ? <TraceDetailPage id={seg[1]} /> : <TracesPage />;
    case "prompts": return seg[1] ? <PromptDetailPage name={seg[1]} /> : <PromptsPage />;
    case "evals": return seg[1] === "calibration" ? <CalibrationPage /> : seg[1] ? <EvalRunPage id={seg[1]} /> : <EvalsPage />;
    case "annotate": return <AnnotateRoute seg={seg} />;
    case "guard": return <GuardPage />;
    case "alerts": return seg[1] === "incidents" && seg[2] ? <IncidentPage id={seg[2]} /> : <AlertsPage />;
    case "keys": return <KeysPage />;
    case "models": return <ModelsPage />;
    case "calc": return <CalcPage />;
    case "knowledge": return <KnowledgePage />;
    case "cache": return <CachePage />;
    default: return <section><h1>Not found</h1><p>No page at <code>{path}</code>. <Link to="/">Go to the overview</Link>.</p></section>;
  }
}

function Login(props: { onDone: () => void }): JSX.Element {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      // Who this credential is decides which controls to show; an editor token only manages prompts.
      const me = await api<{ role: Role }>("GET", "/api/v1/me", undefined, value.trim());
      if (me.role === "editor") throw new Error("The editor token only manages prompts: sign in with the admin token or a viewer key.");
      setToken(value.trim());
      setRole(me.role);
      props.onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="login">
      <form onSubmit={submit} aria-labelledby="login-h">
        <h1 id="login-h">Keel</h1>
        <label for="token">Admin token or viewer key</label>
        <input id="token" type="password" autoComplete="current-password" required value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} autoFocus />
        <p class="muted">Kept in this tab's session storage only.</p>
        {error ? <p class="error" role="alert">{error}</p> : null}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function App(): JSX.Element {
  const [authed, setAuthed] = useState(getToken() !== null);
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  useEffect(() => onUnauthorized(() => (clearToken(), setAuthed(false))), []);
  // After client-side navigation, move focus to the new page so screen readers announce it.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) return void (first.current = false);
    main.current?.focus();
  }, [path]);
  if (!authed) return <Login onDone={() => setAuthed(true)} />;
  const section = "/" + (path.split("/")[1] ?? "");
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">Keel</span>
        <nav aria-label="Main">
          <ul>{NAV.map(([to, label]) => <li><Link to={to} aria-current={section === to ? "page" : undefined}>{label}</Link></li>)}</ul>
        </nav>
        {canWrite() ? null : <span class="role-badge" title="Signed in with a viewer key: read-only">Read-only</span>}
        <button type="button" class="signout" onClick={() => (clearToken(), setAuthed(false), navigate("/"))}>Sign out</button>
      </header>
      <main id="main" ref={main} tabIndex={-1}>{page(path)}</main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
