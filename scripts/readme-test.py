#!/usr/bin/env python3
"""The README's doc test: run its SQL and compare the outputs it shows.

Every ```sql block of README.md runs, in order, in one psql session started
in the checkout's root, against a fresh database; any error fails the test.
A fenced block without an info string that directly follows a ```sql block
is that block's shown output: psql's output for the block (aligned format,
no row-count footers) must equal it, line for line (trailing blanks
ignored).  ```sql-error blocks must each raise an error (they run too, so
that the error they show stays true); other fences (```sh, ```sql-citus,
```json, ...) are not run.

Usage: scripts/readme-test.py [--update] [README.md]   (PGHOST/PGPORT/PGUSER
from the environment, e.g. under scripts/with-cluster.sh).  Exit status 0
when every block ran and every shown output matched.  --update (for writing
the README, never in make test) replaces each shown output that differs by
what psql printed, in place; read the diff before committing it.
"""
import os
import re
import subprocess
import sys

MARK = '@@crm-readme-block-%d@@'


def blocks(path):
    """Fenced blocks of a Markdown file: (info, first line number, text)."""
    out = []
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^```(\S*)\s*$', lines[i])
        if m:
            info, start, body = m.group(1), i + 1, []
            i += 1
            while i < len(lines) and lines[i].rstrip() != '```':
                body.append(lines[i])
                i += 1
            out.append((info, start, '\n'.join(body), i))
        i += 1
    return out, lines


def main():
    args = sys.argv[1:]
    update = '--update' in args
    args = [a for a in args if a != '--update']
    readme = args[0] if args else 'README.md'
    found, lines = blocks(readme)
    script = ['\\set ON_ERROR_STOP 1', '\\pset footer off', '\\pset pager off',
              'SET client_min_messages = warning;']
    runs = []           # (kind, line, index into runs, expected output or None)
    for n, (info, start, body, end) in enumerate(found):
        if info not in ('sql', 'sql-error'):
            continue
        expected = None
        if n + 1 < len(found) and found[n + 1][0] == '':
            # an output block counts only when nothing but blank lines separate them
            between = lines[end + 1:found[n + 1][1] - 1]
            if all(not l.strip() for l in between):
                expected = found[n + 1][2]
        k = len(runs)
        runs.append((info, start, expected, (found[n + 1][1], found[n + 1][3]) if expected is not None else None))
        script.append('\\echo ' + MARK % k)
        if info == 'sql-error':
            script.append('\\set ON_ERROR_STOP 0')
            script.append(body)
            script.append('\\echo ' + MARK % k + ':status :ERROR')
            script.append('\\set ON_ERROR_STOP 1')
        else:
            script.append(body)
    script.append('\\echo ' + MARK % len(runs))

    db = os.environ.get('CRM_README_DB', 'crm_readme')
    quiet = dict(os.environ, PGOPTIONS=os.environ.get('PGOPTIONS', '') + ' -c client_min_messages=warning')
    subprocess.run(['dropdb', '--if-exists', db], check=True, env=quiet)
    subprocess.run(['createdb', db], check=True)
    p = subprocess.run(['psql', '-X', '-q', '-d', db, '-f', '-'], input='\n'.join(script) + '\n',
                       capture_output=True, text=True)
    out = p.stdout
    failures = 0
    checked = 0
    replace = []        # (first line, closing fence line, new text) of outputs to update
    for k, (info, line, expected, span) in enumerate(runs):
        a = out.find(MARK % k + '\n')
        b = out.find(MARK % (k + 1) + '\n')
        if a < 0:
            print('README.md:%d: block not reached (an earlier block failed)' % line)
            failures += 1
            break
        got = out[a + len(MARK % k) + 1:b if b >= 0 else len(out)]
        if info == 'sql-error':
            m = re.search(re.escape(MARK % k) + r':status (\S+)', got)
            got = got[:got.find(MARK % k + ':status')] if m else got
            if not m or m.group(1) != 'true':
                print('README.md:%d: the sql-error block raised no error' % line)
                failures += 1
        if expected is not None:
            checked += 1
            g = [l.rstrip() for l in got.strip('\n').split('\n')]
            e = [l.rstrip() for l in expected.strip('\n').split('\n')]
            if g != e:
                failures += 1
                replace.append((span[0], span[1], g))
                print('README.md:%d: shown output differs from what the block prints:' % line)
                import difflib
                for d in difflib.unified_diff(e, g, 'README (shown)', 'psql (actual)', lineterm=''):
                    print('    ' + d)
    if update and replace:
        for first, close, new in sorted(replace, reverse=True):
            lines[first:close] = new
        with open(readme, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        print('%s: %d shown outputs updated' % (readme, len(replace)))
    if p.returncode != 0:
        failures += 1
        err = p.stderr.strip().split('\n')
        print('psql stopped with an error:\n    ' + '\n    '.join(err[-8:]))
    print('README: %d blocks ran, %d outputs compared, %d failures'
          % (len(runs), checked, failures))
    return 0 if failures == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
