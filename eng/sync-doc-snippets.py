#!/usr/bin/env python3
"""Copies code regions from the samples into docs/*.md and README.md, so that every code block in the docs comes from code that compiles.

A region in a source file:      // <name>  ...  // </name>
A block in a Markdown file:     <!-- snippet: samples/Some.Sample/Program.cs#name -->
                                ```csharp
                                (filled in by this script)
                                ```
Usage: eng/sync-doc-snippets.py          rewrite the blocks
       eng/sync-doc-snippets.py --check  exit 1 if a block differs (tests/UuLearning.Tests/Docs/DocSnippetTests.cs checks the same)
"""
import pathlib, re, sys, textwrap

root = pathlib.Path(__file__).resolve().parent.parent
marker = re.compile(r'<!-- snippet: (?P<path>[^#\s]+)#(?P<name>[\w-]+) -->\n```csharp\n(?P<body>.*?)```\n', re.S)

def region(path, name):
    text = (root / path).read_text(encoding='utf-8')
    m = re.search(r'^[ \t]*// <' + re.escape(name) + r'>\n(.*?)^[ \t]*// </' + re.escape(name) + r'>\n', text, re.S | re.M)
    if not m:
        sys.exit(f'{path}: region {name} not found')
    lines = [l for l in m.group(1).splitlines() if not re.match(r'^\s*// </?[\w-]+>\s*$', l)]
    return textwrap.dedent('\n'.join(lines)).strip('\n') + '\n'

check = '--check' in sys.argv
stale = []
for md in sorted((root / 'docs').glob('*.md')) + [root / 'README.md']:
    text = md.read_text(encoding='utf-8')
    new = marker.sub(lambda m: f"<!-- snippet: {m['path']}#{m['name']} -->\n```csharp\n{region(m['path'], m['name'])}```\n", text)
    if new != text:
        stale.append(md.name)
        if not check:
            md.write_text(new, encoding='utf-8')
print(('stale: ' if check else 'updated: ') + (', '.join(stale) or 'none'))
sys.exit(1 if check and stale else 0)
