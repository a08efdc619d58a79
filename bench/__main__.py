"""``python -m bench [--smoke] [--only NAME ...] [--results DIR]``: run, print tables, write JSON."""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

from bench.common import (
    RATIO_COLUMNS,
    RESULTS_DIR,
    Report,
    ratio_rows,
    table,
    use_code_paths,
    use_lambda_environment,
)

BENCHMARKS = ("overhead", "cold_start", "memory", "throughput", "health", "duration", "size", "startup")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks that every benchmark runs")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where the JSON files go")
    args = parser.parse_args(argv)
    use_lambda_environment()
    use_code_paths()
    started = time.perf_counter()
    reports: list[Report] = []
    for name in args.only:
        module = importlib.import_module(f"bench.{name}")
        began = time.perf_counter()
        report: Report = module.run(smoke=args.smoke)
        path = report.write(args.results)
        print(f"\n## {report.title}  [{time.perf_counter() - began:.1f} s, {path}]\n")
        if report.skipped:
            print(f"skipped: {report.skipped}")
        print(table(report.columns, report.rows))
        for note in report.notes:
            print(f"- {note}")
        reports.append(report)
    print(f"\n## Ratios (ours / baseline, same run){' - SMOKE sizes' if args.smoke else ''}\n")
    print(table(RATIO_COLUMNS, ratio_rows(reports)))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
