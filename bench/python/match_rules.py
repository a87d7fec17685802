#!/usr/bin/env python3
"""The rules benchmark's Python baselines: what a user would write in a Python Lambda with `re`.

Reads a JSON file {"rules": [{"id", "regex", "fields": [{"field": "namespace"|"level", "in": [...]}]}],
"records": [[message, namespace, level], ...]} written by the benchmark harness and compiles the rules. Then times
(median of --iterations runs, this thread's CPU time and wall time):

- `python`: the matching loop alone, on the harness's pre-extracted messages, namespaces and levels;
- `pipeline` (with --event FILE, the same MSK event bytes the engine decodes): a Lambda handler's whole body:
  json.loads the event, base64-decode every record's value, read it as docs/logs.md says for the shapes the
  benchmark's corpus holds (Fluent Bit records, with or without an application's JSON line in `log`, and plain
  text), then the same matching loop.

Prints one JSON object: cpu_seconds, wall_seconds, per-rule counts, version, and `pipeline` when asked.
"""
import argparse
import base64
import json
import platform
import re
import statistics
import time

# docs/logs.md "Levels are normalised": the known words; any other word is kept lower-cased.
LEVEL_WORDS = {
    **dict.fromkeys(("trace", "trc", "finest", "finer"), "trace"),
    **dict.fromkeys(("debug", "dbg", "fine", "verbose"), "debug"),
    **dict.fromkeys(("info", "inf", "information", "informational", "notice"), "info"),
    **dict.fromkeys(("warn", "warning", "wrn"), "warn"),
    **dict.fromkeys(("error", "err", "eror", "severe"), "error"),
    **dict.fromkeys(("fatal", "ftl", "critical", "crit", "panic", "alert", "emerg", "emergency"), "fatal"),
}
LEVEL_NUMBERS = {10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal"}  # pino, bunyan
LEVEL_KEYS = ("level", "severity", "lvl", "loglevel", "log.level")
APP_MESSAGE_KEYS = ("message", "msg")
RECORD_MESSAGE_KEYS = ("message", "msg", "log", "MESSAGE")
NOT_MESSAGE_KEYS = frozenset(("kubernetes", "kubernetes_namespace", "stream", "time", "timestamp", "ts", "@timestamp", "_p"))
JSON_BLANK = " \t\r\n"


def first_level(obj):
    """The first level key that gives a level, normalised as the engine does."""
    for key in LEVEL_KEYS:
        value = obj.get(key)
        if isinstance(value, str):
            word = value.strip()
            if word and len(word) <= 64:
                lower = word.lower()
                return LEVEL_WORDS.get(lower, lower)
        elif isinstance(value, int) and not isinstance(value, bool):
            return LEVEL_NUMBERS.get(value, str(value))
    return None


def first_text(obj, keys):
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return None


def read_value(raw):
    """(message, namespace, level) of one Kafka value, or None when it holds no log record."""
    text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    start = text.lstrip(JSON_BLANK)
    if not start:
        return None
    if start[0] == "{":
        try:
            record = json.loads(text)
        except ValueError:
            record = None  # starts like JSON but is not: the whole value is the message
        if isinstance(record, dict):
            # Fluent Bit: an application's JSON line in "log" comes first for the message and the level.
            log = record.get("log")
            app = None
            if isinstance(log, str) and log.lstrip(JSON_BLANK).startswith("{"):
                try:
                    app = json.loads(log)
                except ValueError:
                    pass
                if not isinstance(app, dict):
                    app = None
            message = first_text(app, APP_MESSAGE_KEYS) if app is not None else None
            if message is None:
                message = first_text(record, RECORD_MESSAGE_KEYS)
            if message is None:
                rest = {key: value for key, value in record.items() if key not in NOT_MESSAGE_KEYS}
                message = json.dumps(rest, separators=(",", ":")) if rest else ""
            level = first_level(app) if app is not None else None
            if level is None:
                level = first_level(record)
            kubernetes = record.get("kubernetes")
            namespace = kubernetes.get("namespace_name") if isinstance(kubernetes, dict) else None
            return message.rstrip("\r\n"), namespace, level
    return text.rstrip("\r\n"), None, None


def median_times(run, iterations):
    run()  # warm-up
    wall, cpu = [], []
    for _ in range(iterations):
        start, cpu_start = time.perf_counter(), time.thread_time()
        result = run()
        cpu.append(time.thread_time() - cpu_start)
        wall.append(time.perf_counter() - start)
    return statistics.median(cpu), statistics.median(wall), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--event", help="the MSK event (JSON) for the whole-handler variant")
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

    def add_matches(counts, message, namespace, level):
        """Every rule on one record: the namespace and level tests first, then the regex."""
        for i, (_, search, namespaces, levels) in enumerate(rules):
            if namespaces is not None and namespace not in namespaces:
                continue
            if levels is not None and level not in levels:
                continue
            if search(message):
                counts[i] += 1

    def match():
        counts = [0] * len(rules)
        for message, namespace, level in records:
            add_matches(counts, message, namespace, level)
        return counts

    def handler(event_bytes):
        """A Lambda handler's body, from the event's bytes to the per-rule counts."""
        event = json.loads(event_bytes)
        counts = [0] * len(rules)
        seen = 0
        for batch in event["records"].values():
            for kafka_record in batch:
                value = kafka_record.get("value")
                if value is None:
                    continue
                log = read_value(base64.b64decode(value))
                if log is None:
                    continue
                seen += 1
                add_matches(counts, *log)
        return counts, seen

    cpu, wall, counts = median_times(match, args.iterations)
    output = {
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "counts": {rule[0]: count for rule, count in zip(rules, counts)},
        "python": platform.python_version(),
    }
    if args.event:
        with open(args.event, "rb") as f:
            event_bytes = f.read()
        cpu, wall, (counts, seen) = median_times(lambda: handler(event_bytes), args.iterations)
        output["pipeline"] = {
            "cpu_seconds": cpu,
            "wall_seconds": wall,
            "log_records": seen,
            "counts": {rule[0]: count for rule, count in zip(rules, counts)},
        }
    print(json.dumps(output))


if __name__ == "__main__":
    main()
