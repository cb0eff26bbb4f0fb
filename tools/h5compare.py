#!/usr/bin/python3
"""h5compare.py -- check that two HDF5 files recorded by credo hold bit-identical results.

Meant for refactorings: run the same config with the old and the new binary,
then `tools/h5compare.py old.h5 new.h5`.  Every group, dataset and attribute is
compared exactly (raw bytes, so NaN == NaN with the same bits); only values
that change from run to run of the same config are skipped (see DEFAULT_IGNORE_*).

usage: h5compare.py A.h5 B.h5 [--ignore-attr NAME]... [--ignore-dataset PATH]... [-q]
exit status: 0 identical, 1 something differs, 2 bad input (missing/unreadable file)
"""
import argparse
import os
import sys

import h5py
import numpy as np

# Attributes (matched by name, on any object) that differ between two runs of one config:
# start_time = wall-clock date of the run, host = machine name,
# command_line = the argv, which includes the -o output path.
DEFAULT_IGNORE_ATTRS = ['start_time', 'host', 'command_line']
# Datasets (full paths) that differ run to run: the solver's wall-clock time.
DEFAULT_IGNORE_DATASETS = ['/solver/wall_seconds']


def objects(f):
    """{'/path': object} for the root and every group/dataset below it."""
    found = {'/': f}
    f.visititems(lambda name, obj: found.__setitem__('/' + name, obj))
    return found


def diff(a, b):
    """None if a and b are bit-identical, else a short description of how they differ."""
    if isinstance(a, (str, bytes)) or isinstance(b, (str, bytes)):  # strings: python values
        if type(a) is type(b) and a == b:
            return None
        if type(a) is not type(b):
            return f'{type(a).__name__} {a!r:.50} vs {type(b).__name__} {b!r:.50}'
        i = next((k for k, (p, q) in enumerate(zip(a, b)) if p != q), min(len(a), len(b)))
        s = max(0, i - 20)
        return f'first difference at character {i}: ...{a[s:i + 30]!r} vs ...{b[s:i + 30]!r}'
    if isinstance(a, h5py.Empty) or isinstance(b, h5py.Empty):
        return None if repr(a) == repr(b) else f'{a!r} vs {b!r}'
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return f'shape {a.shape} vs {b.shape}'
    if a.dtype != b.dtype:
        return f'dtype {a.dtype} vs {b.dtype}' + (f' ({a.item()!r} vs {b.item()!r})' if a.size == 1 else '')
    if a.dtype.kind == 'O':  # vlen strings / vlen arrays: element by element
        for i, (x, y) in enumerate(zip(a.ravel(), b.ravel())):
            d = diff(x, y)
            if d:
                return f'first difference at index {np.unravel_index(i, a.shape)}: {d}'
        return None
    if a.tobytes() == b.tobytes():
        return None
    n = a.dtype.itemsize
    ab = np.ascontiguousarray(a).reshape(-1).view(np.uint8).reshape(-1, n)
    bb = np.ascontiguousarray(b).reshape(-1).view(np.uint8).reshape(-1, n)
    neq = (ab != bb).any(axis=1)
    i = int(np.argmax(neq))
    msg = (f'{int(neq.sum())} of {a.size} elements differ, first at index '
           f'{np.unravel_index(i, a.shape) if a.shape else "()"}: '
           f'{a.reshape(-1)[i]!r} vs {b.reshape(-1)[i]!r}')
    if a.dtype.kind in 'biufc':
        with np.errstate(all='ignore'):
            t = complex if a.dtype.kind == 'c' else np.float64
            d = np.abs(a.reshape(-1)[neq].astype(t) - b.reshape(-1)[neq].astype(t))
            msg += f', max abs difference {np.nanmax(d) if not np.isnan(d).all() else np.nan:.6g}'
    return msg


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('a', metavar='A.h5')
    ap.add_argument('b', metavar='B.h5')
    ap.add_argument('--ignore-attr', action='append', default=[], metavar='NAME',
                    help='also ignore attributes with this name (on any object)')
    ap.add_argument('--ignore-dataset', action='append', default=[], metavar='PATH',
                    help='also ignore this dataset, e.g. /solver/wall_seconds')
    ap.add_argument('-q', action='store_true', help='print only the summary line')
    args = ap.parse_args()
    ign_attrs = set(DEFAULT_IGNORE_ATTRS + args.ignore_attr)
    ign_dsets = {'/' + p.strip('/') for p in DEFAULT_IGNORE_DATASETS + args.ignore_dataset}

    files = []
    for path in (args.a, args.b):
        if not os.path.isfile(path):
            why = 'not a regular file' if os.path.exists(path) else 'no such file'
            print(f'h5compare: {path}: {why}', file=sys.stderr)
            return 2
        try:
            files.append(h5py.File(path, 'r'))
        except (OSError, ValueError) as e:
            print(f'h5compare: cannot read {path}: {e}', file=sys.stderr)
            return 2

    n = dict(dsets=0, attrs=0, differ=0, only=0)
    ignored = set()  # names of ignored attributes / paths of ignored datasets actually met

    def report(kind, text):
        n[kind] += 1
        if not args.q:
            print(text)

    def compare_attrs(path, x, y):
        names = sorted(set(x.attrs) | set(y.attrs))
        for name in names:
            if name in ign_attrs:
                ignored.add(name)
                continue
            where = f'{path} attribute {name}'
            if name not in x.attrs or name not in y.attrs:
                report('only', f'{where}: only in {args.a if name in x.attrs else args.b}')
                continue
            d = diff(x.attrs[name], y.attrs[name])
            if d:
                report('differ', f'{where} differs: {d}')
            else:
                n['attrs'] += 1

    oa, ob = objects(files[0]), objects(files[1])
    for path in sorted(set(oa) | set(ob)):
        if path not in oa or path not in ob:
            report('only', f'{path}: only in {args.a if path in oa else args.b}')
            continue
        x, y = oa[path], ob[path]
        if type(x) is not type(y):
            report('differ', f'{path}: {type(x).__name__} vs {type(y).__name__}')
            continue
        if isinstance(x, h5py.Dataset):
            if path in ign_dsets:
                ignored.add(path)
            else:
                d = x.shape != y.shape and f'shape {x.shape} vs {y.shape}'
                d = d or (x.dtype != y.dtype and f'dtype {x.dtype} vs {y.dtype}')
                d = d or diff(x[()], y[()])
                if d:
                    report('differ', f'{path} differs: {d}')
                else:
                    n['dsets'] += 1
        compare_attrs(path, x, y)

    print(f'{args.a} vs {args.b}: {n["dsets"]} datasets, {n["attrs"]} attributes identical; '
          f'{n["differ"]} differ; {n["only"]} only in one file '
          f'(ignored attributes: {", ".join(sorted(ignored & ign_attrs)) or "none"}; '
          f'ignored datasets: {", ".join(sorted(ignored & ign_dsets)) or "none"})')
    return 1 if n['differ'] or n['only'] else 0


if __name__ == '__main__':
    sys.exit(main())
