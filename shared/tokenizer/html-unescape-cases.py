# Writes html-unescape-cases.json: inputs with CPython's html.unescape applied once and twice, and CLIP's cleaning.
# Run: python3 shared/tokenizer/html-unescape-cases.py && npx biome format --write shared/tokenizer/html-unescape-cases.json
import html
import json
import platform
import re
from html.entities import html5
from pathlib import Path

COMMAND = (
    "python3 shared/tokenizer/html-unescape-cases.py && "
    "npx biome format --write shared/tokenizer/html-unescape-cases.json"
)
legacy = sorted(name for name in html5 if not name.endswith(";"))
inputs: list[str] = []

# Every name of the HTML5 table, as written in it (2,231: 2,125 with ";", 106 legacy without).
inputs += [f"&{name}" for name in sorted(html5)]
# Legacy names run into letters, digits, "=" and ";"-less text: decoded anyway, rest kept.
inputs += [f"&{name}{tail}" for name in legacy for tail in ("x", "1", "=")]
# ";"-names written without ";" whose start is a legacy name: the longest legacy prefix decodes.
inputs += [
    f"&{name[:-1]}"
    for name in sorted(html5)
    if name.endswith(";")
    and name[:-1] not in html5
    and any(name[:length] in html5 for length in range(2, len(name) - 1))
]
# ";"-names with an unknown tail: longest legacy prefix, or left as text.
inputs += ["&notit;", "&notinx;", "&copyright;", "&ampersand;", "&ltimesx;", "&hellip", "&mdash", "&Eacutedog"]

# Numeric references around every replacement rule (NUL, CR, C0/C1 controls, cp1252 remap 0x80-0x9f,
# surrogates, noncharacters, past U+10FFFF, overflowing integers), decimal and hex, with and without ";".
code_points = [*range(0x00, 0x21), *range(0x7E, 0xA1), 0xAD, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000]
code_points += [0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1F600, 0x10FFFD]
code_points += [(plane << 16) | low for plane in range(1, 17) for low in (0xFFFE, 0xFFFF)]
code_points += [0x110000, 0x7FFFFFFF, 0xFFFFFFFF, 0x100000000, 0x1_0000_FFFE, 2**64]
for cp in code_points:
    inputs += [f"&#{cp};", f"&#x{cp:X};", f"&#x{cp:x}"]
inputs += [f"&#{cp}" for cp in (0, 9, 13, 65, 128, 129, 159, 0xD800, 0x110000)]
inputs += ["&#" + "9" * 30 + ";", "&#" + "1" * 400, "&#x" + "F" * 40 + ";", "&#0000065;", "&#x0000041;"]
inputs += ["&#65x", "&#65;x", "&#x41g", "&#X41;", "&#X41", "&#x41;;", "&#38;amp;", "&#x26;lt;"]

# Malformed: nothing or a partial match decodes.
inputs += ["&", "&;", "&#", "&#;", "&#x", "&#x;", "&#X;", "&#xg;", "&#a;", "& amp;", "&\tamp;", "&\namp;"]
inputs += ["&&amp;", "&amp&lt;", "&amp;&", "&aMp;", "&Amp;", "&AMP", "&ampé", "&amp;é", "&amp€", "&ámp;"]
inputs += ["&constructor;", "&toString;", "&__proto__;", "&hasOwnProperty;", "&valueOf"]
inputs += ["&" + "a" * 40 + ";", "&amp" + "x" * 40 + ";", "&notin" + "x" * 40, "&" + "x" * 31 + "amp;"]
inputs += ["&CounterClockwiseContourIntegral;", "&CounterClockwiseContourIntegral", "&CounterClockwiseContourIntegralx;"]

# Double-escaped: the first pass leaves a reference that the second pass decodes.
inputs += [f"&amp;{tail}" for tail in ("lt;", "amp;", "amp;amp;", "#39;", "#x27;", "#128;", "#0;", "#1;")]
inputs += [f"&amp;{tail}" for tail in ("notin;", "notit;", "nbsp", "ampx", "bne;", "NotEqualTilde;", "#x1F600;")]
inputs += ["&amp;amp;lt;", "&amp;#38;lt;", "&#38;#38;", "&amp;&amp;", "&amp;fjlig;", "&amp;Cscr;", "&amp;ThickSpace;"]

# Captions as they come from HTML-escaped annotation files.
inputs += [
    "Tom &amp; Jerry&#39;s &quot;chase&quot; &mdash; 5&frac12; min",
    "a man &amp;amp; a dog&nbsp;play &lt;3 in the park&hellip;",
    "caf&eacute; r&eacute;sum&eacute; &#x2603; &#128512; &notin; &fjlig; &NotEqualTilde;",
    "no references at all",
    "&lt;b&gt;&eacute;t&eacute;&hellip;&mdash;&frac12;&#39;&#x27;&#X41&#65 &constructor; &toString;",
    "&#99999999999999999999;",
]

unique = list(dict.fromkeys(inputs))
cases = [[text, html.unescape(text), html.unescape(html.unescape(text))] for text in unique]


def clip_clean(text: str) -> str:
    """whitespace_clean(basic_clean(text)).lower() of OpenAI's SimpleTokenizer, ftfy.fix_text taken as identity."""
    return re.sub(r"\s+", " ", html.unescape(html.unescape(text)).strip()).strip().lower()


# Where the second unescape changes the text, CLIP's own cleaning (both passes, strip, whitespace, lower).
cleaned = [[text, clip_clean(text)] for text, once, twice in cases if once != twice]
fixture = {
    "about": "cases: [input, html.unescape(input), html.unescape(html.unescape(input))]; "
    "cleaned: [input, whitespace_clean(basic_clean(input)).lower()] of CLIP's SimpleTokenizer (ftfy as identity)",
    "python": f"{platform.python_implementation()} {platform.python_version()}",
    "command": COMMAND,
    "cases": cases,
    "cleaned": cleaned,
}
out = Path(__file__).with_name("html-unescape-cases.json")
out.write_text(json.dumps(fixture, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
print(f"{len(cases)} cases -> {out}")
