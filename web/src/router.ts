import { useEffect, useState } from "preact/hooks";

/** Client-side routes under /ui/; the server answers every such path with index.html. */
export const BASE = "/ui";

export function navigate(path: string): void {
  history.pushState(null, "", BASE + path);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** The current path below /ui, e.g. "/traces/abc". */
export function usePath(): string {
  const read = (): string => location.pathname.slice(BASE.length) || "/";
  const [path, setPath] = useState(read);
  useEffect(() => {
    const on = (): void => setPath(read());
    addEventListener("popstate", on);
    return () => removeEventListener("popstate", on);
  }, []);
  return path;
}
