#!/usr/bin/env python3
"""The rules benchmark's Python baseline: what a user would write in a Python Lambda with `re`.

Reads a JSON file {"rules": [{"id", "regex", "fields": [{"field": "namespace"|"level", "in": [...]}]}],
"records": [[message, namespace, level], ...]} written by the benchmark harness, compiles the rules, then times
only the matching loop (median of --iterations runs, this thread's CPU time and wall time) and prints one JSON
object: cpu_seconds, wall_seconds, per-rule counts, version.
"""
import argparse
import json
import platform
import re
import statistics
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()

    with open(args.input, encoding="utf-8") as f:
        data = json.load(f)
    records = [tuple(r) for r in data["records"]]
    rules = []
    for rule in data["rules"]:
        namespaces = levels = None
        for field in rule["fields"]:
            if field["field"] == "namespace":
                namespaces = frozenset(field["in"])
            else:
                levels = frozenset(field["in"])
        rules.append((rule["id"], re.compile(rule["regex"]).search, namespaces, levels))

    def match():
        counts = [0] * len(rules)
        for message, namespace, level in records:
            for i, (_, search, namespaces, levels) in enumerate(rules):
                if namespaces is not None and namespace not in namespaces:
                    continue
                if levels is not None and level not in levels:
                    continue
                if search(message):
                    counts[i] += 1
        return counts

    match()  # warm-up
    wall, cpu = [], []
    for _ in range(args.iterations):
        start, cpu_start = time.perf_counter(), time.thread_time()
        counts = match()
        cpu.append(time.thread_time() - cpu_start)
        wall.append(time.perf_counter() - start)

    print(json.dumps({
        "cpu_seconds": statistics.median(cpu),
        "wall_seconds": statistics.median(wall),
        "counts": {rule[0]: count for rule, count in zip(rules, counts)},
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
