#!/usr/bin/env python3
"""Turns a terminal recording (what `script` captured of a farm command) into an HTML page that
looks like a terminal window: colours and bold from the ANSI SGR sequences, progress lines that
were redrawn with carriage returns reduced to their last state, other control sequences dropped.

    scripts/terminal_to_html.py RECORDING TITLE PAGE.html

Writes PAGE.html and prints "COLUMNS LINES" of the text it shows, which the caller sizes the
screenshot by. Used by scripts/make-readme-pictures.sh; the page loads nothing (inline style,
system fonts).
"""
import html
import re
import sys

COLOURS = {30: "#6e7681", 31: "#ff7b72", 32: "#3fb950", 33: "#d29922", 34: "#58a6ff",
           35: "#bc8cff", 36: "#39c5cf", 37: "#c9d1d9"}
COLOURS.update({code + 60: colour for code, colour in COLOURS.items()})
CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def final_state(line):
    """A line redrawn with \r shows only what was written last."""
    line = line.rstrip("\r")
    return line.rsplit("\r", 1)[-1]


def to_html(line):
    out, pos, style = [], 0, {"bold": False, "dim": False, "colour": None}
    open_span = False
    for match in CSI.finditer(line):
        out.append(html.escape(line[pos:match.start()]))
        pos = match.end()
        if match.group(2) != "m":
            continue  # cursor movement, erase: not part of the final picture
        codes = [int(c) for c in match.group(1).split(";") if c.isdigit()] or [0]
        for code in codes:
            if code == 0:
                style = {"bold": False, "dim": False, "colour": None}
            elif code == 1:
                style["bold"] = True
            elif code == 2:
                style["dim"] = True
            elif code == 22:
                style["bold"] = style["dim"] = False
            elif code == 39:
                style["colour"] = None
            elif code in COLOURS:
                style["colour"] = COLOURS[code]
        if open_span:
            out.append("</span>")
        css = []
        if style["colour"]:
            css.append("color:" + style["colour"])
        if style["bold"]:
            css.append("font-weight:700")
        if style["dim"]:
            css.append("opacity:.65")
        open_span = bool(css)
        if open_span:
            out.append('<span style="%s">' % ";".join(css))
    out.append(html.escape(line[pos:]))
    if open_span:
        out.append("</span>")
    return "".join(out)


def main():
    recording, title, page = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(recording, encoding="utf-8", errors="replace") as f:
        text = f.read()
    lines = [final_state(line) for line in text.split("\n")]
    while lines and not CSI.sub("", lines[-1]).strip():
        lines.pop()
    body = "\n".join(to_html(line) for line in lines)
    columns = max((len(CSI.sub("", line)) for line in lines), default=0)
    out = open(page, "w", encoding="utf-8")
    print("""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #d0d7de; padding: 16px; }
.window { background: #0d1117; border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,.25);
  overflow: hidden; display: inline-block; min-width: 100%%; box-sizing: border-box; }
.bar { background: #21262d; color: #8b949e; padding: 6px 12px; font: 12px system-ui, sans-serif; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%%; margin-right: 5px; }
pre { margin: 0; padding: 12px 14px 16px; color: #c9d1d9; font-size: 13px; line-height: 1.35;
  font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; }
</style></head><body><div class="window"><div class="bar">
<span class="dot" style="background:#ff5f56"></span><span class="dot" style="background:#ffbd2e">
</span><span class="dot" style="background:#27c93f"></span> %s</div><pre>%s</pre></div></body></html>"""
          % (html.escape(title), body), file=out)
    out.close()
    print(columns, len(lines))


if __name__ == "__main__":
    main()
