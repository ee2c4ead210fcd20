"""A button that copies a citation to the clipboard on one click and says "gekopieerd".

Streamlit has no clipboard widget, so this is a small iframe (st.iframe, whose frame Streamlit allows
`clipboard-write`) with a button and a few lines of script: the Clipboard API where the page is a
secure context (https, localhost), else the browser's copy command on a hidden text area, which
works on a plain-http team server too. The text travels as a JSON string inside the script, with
"</" broken up, so no passage can end the script or inject markup.
"""

from __future__ import annotations

import html
import json

import streamlit as st

HEIGHT = 40
WIDTH = 150

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body{{margin:0;font-family:"Source Sans","Source Sans Pro","Source Sans 3",system-ui,sans-serif;
background:transparent}}
button{{display:inline-flex;align-items:center;gap:8px;height:38px;padding:0 4px;border:0;border-radius:8px;
background:transparent;color:rgb(49,51,63);font:inherit;font-size:14px;cursor:pointer}}
button:hover{{color:rgb(255,75,75)!important}} button.done{{color:rgb(33,195,84)!important}}
svg{{width:18px;height:18px}}
</style></head><body><button id="b" type="button" title="{title}"><svg viewBox="0 0 24 24" aria-hidden="true">
<path fill="currentColor" d="M16 1H4c-1.1 0-2 .9-2 2v14h2V3h12V1zm3 4H8c-1.1 0-2 .9-2 2v14c0 1.1.9 2
 2 2h11c1.1 0 2-.9 2-2V7c0-1.1-.9-2-2-2zm0 16H8V7h11v14z"/></svg><span id="l">{label}</span></button><script>
const text = {text}; const b = document.getElementById("b"), l = document.getElementById("l");
function fallback() {{
  const area = document.createElement("textarea"); area.value = text; area.setAttribute("readonly", "");
  area.style.position = "fixed"; area.style.opacity = "0"; document.body.appendChild(area); area.select();
  let ok = false; try {{ ok = document.execCommand("copy"); }} catch (e) {{ ok = false; }}
  area.remove(); return ok;
}}
function said(ok) {{
  l.textContent = ok ? {done} : {failed}; b.classList.toggle("done", ok); b.dataset.copied = ok ? "1" : "0";
  setTimeout(() => {{ l.textContent = {label_js}; b.classList.remove("done"); }}, 2500);
}}
function looks() {{  // the page's own font and colour (its fonts are the parent's, found in its style sheets)
  try {{
    const page = window.parent.document, style = getComputedStyle(page.body);
    b.style.color = style.color;
    for (const sheet of page.styleSheets) {{
      let rules = []; try {{ rules = sheet.cssRules; }} catch (e) {{ continue; }}
      for (const rule of rules) {{
        if (rule instanceof window.parent.CSSFontFaceRule && /Source Sans/.test(rule.style.fontFamily)) {{
          const url = /url\\(["']?([^"')]+)/.exec(rule.style.getPropertyValue("src"));
          if (!url) continue;
          const face = new FontFace(rule.style.fontFamily.replace(/["']/g, ""),
            `url(${{new URL(url[1], sheet.href || page.baseURI)}})`,
            {{weight: rule.style.fontWeight || "400", style: rule.style.fontStyle || "normal"}});
          document.fonts.add(face); face.load().catch(() => {{}});
        }}
      }}
    }}
  }} catch (e) {{ /* a page of another origin: the default look */ }}
}}
looks();
b.addEventListener("click", () => {{
  if (navigator.clipboard && window.isSecureContext) {{
    navigator.clipboard.writeText(text).then(() => said(true), () => said(fallback()));
  }} else {{ said(fallback()); }}
}});
</script></body></html>"""


def _js(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def page(text: str, label: str, done: str, failed: str, title: str = "") -> str:
    """The iframe's document: the button and its script (a function of its own, so it can be tested)."""
    return _PAGE.format(text=_js(text), label=html.escape(label), label_js=_js(label), done=_js(done),
                        failed=_js(failed), title=html.escape(title or label, quote=True))


def copy_button(text: str, label: str, done: str, failed: str, title: str = "") -> None:
    """Show the button; a click puts `text` on the clipboard."""
    st.iframe(page(text, label, done, failed, title), width=WIDTH, height=HEIGHT)
