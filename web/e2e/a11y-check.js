/* Runs in the page (web/e2e/a11y.ts reads this file as text): plain JavaScript, no build step. */
(() => {
    const problems = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none" && !el.closest("[aria-hidden='true']");
    };
    const describe = (el) => {
      const id = el.id ? `#${el.id}` : "";
      const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      return `${el.tagName.toLowerCase()}${id}${cls} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    };

    // Accessible names of controls.
    for (const el of document.querySelectorAll("input, select, textarea, button, a[href], [role='button']")) {
      if (!visible(el) || el.type === "hidden") continue;
      const labelledby = el.getAttribute("aria-labelledby")?.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
      const byFor = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent?.trim() : "";
      const wrapped = el.closest("label")?.textContent?.trim();
      const own = el.matches("button, a, [role='button']") ? (el.textContent ?? "").trim() : "";
      const name = el.getAttribute("aria-label")?.trim() || labelledby || byFor || wrapped || own || el.getAttribute("title")?.trim();
      if (!name) problems.push(`no accessible name: ${describe(el)}`);
    }

    // Contrast of text against the first opaque background behind it.
    const rgba = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 1];
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p[3] ?? 1];
    };
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] >= 0.99) return c;
      }
      return [255, 255, 255, 1];
    };
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !(n.textContent ?? "").trim() || !visible(el)) continue;
      seen.add(el);
      if (el.closest("button:disabled, .sr-only, script, style, option")) continue;
      const cs = getComputedStyle(el);
      const fg = rgba(cs.color);
      const bg = background(el);
      // A translucent foreground is blended over its background before measuring.
      const blended = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
      const [l1, l2] = [lum(blended), lum(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      if (ratio + 1e-6 < need) problems.push(`contrast ${ratio.toFixed(2)}:1 < ${need}:1 (${cs.color} on rgb(${bg.slice(0, 3).join(",")})): ${describe(el)}`);
    }

    const ids = new Map();
    for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`duplicate id "${id}" (${n}×)`);
    const h1 = [...document.querySelectorAll("h1")].filter(visible).length;
    if (h1 !== 1) problems.push(`${h1} visible h1 headings (want 1)`);
    for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.getAttribute("src")}`);
    return problems;
})()
