#!/usr/bin/env python3
"""Renders docs/<name>.md from docs/.templates/<name>.md, filling {{tag}} with the tagged
regions of the example test named on the command line. Usage: render.py producing SOURCE.java"""
import re, sys, textwrap, pathlib
name, source = sys.argv[1], sys.argv[2]
root = pathlib.Path(__file__).resolve().parent.parent
regions = {m.group(1): textwrap.dedent(m.group(2)) for m in re.finditer(
    r"// tag::([\w-]+)\[\]\n(.*?)\n\s*// end::\1\[\]", pathlib.Path(source).read_text(), re.S)}
text = (root / ".templates" / f"{name}.md").read_text()
text = re.sub(r"\{\{([\w-]+)\}\}", lambda m: regions[m.group(1)], text)
(root / f"{name}.md").write_text(text)
