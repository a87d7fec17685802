#!/usr/bin/env python3
"""Writes the sample MSK events in this folder, for `sam local invoke <LogicalId> -e events/<file>.json`.

Each Kafka record value is what Fluent Bit's Kafka output sends for a container log line enriched by its
kubernetes filter: {"@timestamp", "log", "stream", "time", "kubernetes": {...}}, base64-encoded inside an MSK
event. Everything is derived from fixed inputs, so the output is the same on every run.

    python3 events/generate.py            # rewrite the .json files
    python3 events/generate.py --check    # exit 1 if a committed file differs from what would be written
"""

import base64
import hashlib
import json
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPIC = "k8s-logs"
PARTITIONS = 3
CLUSTER_ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/logs-cluster/4f1c6a2e-8b7d-4c3e-9a51-2d0e6f7b8c90-2"
BOOTSTRAP = ",".join(
    f"b-{n}.logscluster.k2x9qz.c2.kafka.eu-west-1.amazonaws.com:9098" for n in (1, 2, 3)
)
# 2025-03-14T09:26:53Z: all events happen within a few minutes of this instant.
T0 = 1741944413.0
NODE = "ip-10-0-42-17.eu-west-1.compute.internal"
ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def stable_hex(*parts, length=64):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


class Pod:
    """The kubernetes{} block Fluent Bit attaches to every line of one container."""

    def __init__(self, namespace, name, container, image, labels, annotations=None, owner=None, node=NODE):
        self.namespace = namespace
        self.name = name
        self.container = container
        self.image = image
        self.labels = labels
        self.annotations = annotations or {}
        self.owner = owner
        self.node = node

    def metadata(self, restart=0):
        meta = {
            "pod_name": self.name,
            "namespace_name": self.namespace,
            "pod_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"pod/{self.namespace}/{self.name}")),
            "labels": self.labels,
            "annotations": self.annotations,
            "host": self.node,
            "container_name": self.container,
            # A restarted container gets a new id; the pod keeps its name and uid.
            "docker_id": stable_hex(self.namespace, self.name, self.container, str(restart)),
            "container_image": self.image,
        }
        if self.owner:
            kind, owner_name = self.owner
            meta["ownerReferences"] = [{
                "apiVersion": "apps/v1",
                "kind": kind,
                "name": owner_name,
                "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{self.namespace}/{owner_name}")),
                "controller": True,
                "blockOwnerDeletion": True,
            }]
        return meta


def deployment_pod(namespace, app, template_hash, suffix, image, container=None, extra_labels=None, annotations=None):
    labels = {"app.kubernetes.io/name": app, "pod-template-hash": template_hash}
    labels.update(extra_labels or {})
    return Pod(namespace, f"{app}-{template_hash}-{suffix}", container or app, image, labels, annotations,
               owner=("ReplicaSet", f"{app}-{template_hash}"))


EVENT_EXPORTER = deployment_pod(
    "monitoring", "kubernetes-event-exporter", "5b7c9d6f4", "2lmnp",
    "ghcr.io/resmoio/kubernetes-event-exporter:v1.7", container="event-exporter")


class Line:
    """One container log line at `at` seconds after T0."""

    def __init__(self, at, pod, text, stream="stdout", restart=0):
        self.at = at
        self.pod = pod
        self.text = text if isinstance(text, str) else json.dumps(text, separators=(",", ":"))
        self.stream = stream
        self.restart = restart

    def value(self):
        seconds = T0 + self.at
        when = datetime.fromtimestamp(seconds, tz=timezone.utc)
        nanos = round((seconds % 1) * 1e9)
        return {
            "@timestamp": round(seconds, 6),
            "log": self.text + "\n",
            "stream": self.stream,
            "time": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{nanos:09d}Z",
            "kubernetes": self.pod.metadata(self.restart),
        }


def iso(at):
    return datetime.fromtimestamp(T0 + at, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def k8s_event(at, reason, message, kind, namespace, name, etype="Warning", component="kubelet", count=1):
    """A Kubernetes event as kubernetes-event-exporter logs it (one JSON object per line). Events about a Node
    (namespace None) live in the default namespace."""
    involved = {"kind": kind, "name": name}
    if namespace:
        involved["namespace"] = namespace
    return Line(at, EVENT_EXPORTER, {
        "metadata": {"name": f"{name}.{stable_hex(reason, name, str(at), length=16)}",
                     "namespace": namespace or "default"},
        "reason": reason,
        "message": message,
        "source": {"component": component, "host": NODE},
        "firstTimestamp": iso(at - 60 * (count - 1)),
        "lastTimestamp": iso(at),
        "count": count,
        "type": etype,
        "involvedObject": involved,
    })


def encode(value):
    raw = value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()
    return base64.b64encode(raw).decode()


def msk_event(lines, raw_values=None):
    """Puts the lines on partitions (by pod, as a keyless producer with sticky batches roughly does) and numbers
    offsets per partition. raw_values maps a line index to a Kafka value string used as is."""
    raw_values = raw_values or {}
    records = {}
    next_offset = {p: 48213 + 1000 * p for p in range(PARTITIONS)}
    for index, line in enumerate(sorted(lines, key=lambda l: l.at)):
        partition = int(stable_hex(line.pod.name, length=8), 16) % PARTITIONS
        offset = next_offset[partition]
        next_offset[partition] += 1
        value = raw_values.get(index, encode(line.value()))
        records.setdefault(f"{TOPIC}-{partition}", []).append({
            "topic": TOPIC,
            "partition": partition,
            "offset": offset,
            # Fluent Bit flushes about a quarter second after the line was written.
            "timestamp": int(round((T0 + line.at + 0.25) * 1000)),
            "timestampType": "CREATE_TIME",
            "value": value,
            "headers": [],
        })
    return {
        "eventSource": "aws:kafka",
        "eventSourceArn": CLUSTER_ARN,
        "bootstrapServers": BOOTSTRAP,
        "records": dict(sorted(records.items(), key=lambda item: int(item[0].rsplit("-", 1)[1]))),
    }


# ------------------------------------------------------------------ pod-crashloop: payments-api runs out of heap

PAYMENTS = deployment_pod(
    "payments", "payments-api", "6c9d7f8b5", "qx7tz", f"{ECR}/shop/payments-api:2.14.1",
    extra_labels={"app.kubernetes.io/part-of": "shop", "app.kubernetes.io/version": "2.14.1"},
    annotations={"prometheus.io/scrape": "true", "prometheus.io/port": "8081"})

OOM_STACK = [
    "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3541)",
    "\tat java.base/java.io.ByteArrayOutputStream.ensureCapacity(ByteArrayOutputStream.java:100)",
    "\tat java.base/java.io.ByteArrayOutputStream.write(ByteArrayOutputStream.java:132)",
    "\tat com.fasterxml.jackson.core.json.UTF8JsonGenerator._flushBuffer(UTF8JsonGenerator.java:2171)",
    "\tat com.shop.payments.settlement.StatementExporter.export(StatementExporter.java:87)",
    "\tat com.shop.payments.settlement.BatchSettler.settle(BatchSettler.java:112)",
    "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
]


def app_json(at, level, logger, message, restart, **fields):
    body = {"@timestamp": iso(at), "level": level, "logger_name": logger, "thread_name": "main",
            "message": message}
    body.update(fields)
    return Line(at, PAYMENTS, body, restart=restart)


def crashloop_lines():
    lines = []
    for restart in range(3):
        start = restart * 95.0
        lines += [
            app_json(start, "INFO", "com.shop.payments.PaymentsApplication",
                     "Starting PaymentsApplication v2.14.1 using Java 21.0.4 with PID 1", restart),
            app_json(start + 7.9, "INFO", "com.shop.payments.PaymentsApplication",
                     "Started PaymentsApplication in 7.912 seconds (process running for 8.6)", restart),
            app_json(start + 41.2, "WARN", "com.zaxxer.hikari.pool.HikariPool",
                     "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s).", restart),
            app_json(start + 52.7, "ERROR", "com.shop.payments.settlement.BatchSettler",
                     "Settlement batch failed", restart, batch_id=f"stl-{20250314 + restart}",
                     stack_trace="java.lang.IllegalStateException: Failed to settle payment batch\n"
                                 "\tat com.shop.payments.settlement.BatchSettler.settle(BatchSettler.java:118)\n"
                                 "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection "
                                 "is not available, request timed out after 30000ms."),
        ]
        oom_at = start + 58.4
        thread = f"settlement-worker-{restart + 1}"
        lines.append(Line(oom_at, PAYMENTS, f'Exception in thread "{thread}" java.lang.OutOfMemoryError: Java heap space',
                          "stderr", restart))
        lines += [Line(oom_at + 0.001 * (i + 1), PAYMENTS, frame, "stderr", restart) for i, frame in enumerate(OOM_STACK)]
        # The heap error is caught per worker; the container then outgrows its memory limit and the kernel kills
        # it. "OOMKilled" (exit code 137) is only in the pod's status; the log stream sees the node events that
        # node-problem-detector (OOMKilling) and the kubelet (SystemOOM) raise, then the kubelet's BackOff.
        lines.append(app_json(oom_at + 3.2, "ERROR", "com.shop.payments.settlement.WorkerPool",
                              f"Worker {thread} died, restarting it", restart,
                              stack_trace="java.lang.OutOfMemoryError: Java heap space"))
        lines.append(k8s_event(oom_at + 9.6, "OOMKilling",
                               "Memory cgroup out of memory: Killed process 2741 (java) total-vm:4012340kB, "
                               "anon-rss:1047552kB, file-rss:20480kB, shmem-rss:0kB, UID:1000 pgtables:2876kB "
                               "oom_score_adj:969", "Node", None, NODE, component="kernel-monitor", count=restart + 1))
        lines.append(k8s_event(oom_at + 9.7, "SystemOOM", "System OOM encountered, victim process: java, pid: 2741",
                               "Node", None, NODE, count=restart + 1))
        lines.append(k8s_event(oom_at + 10.4, "BackOff",
                               f"Back-off restarting failed container payments-api in pod {PAYMENTS.name}_payments"
                               f"({PAYMENTS.metadata()['pod_id']})", "Pod", "payments", PAYMENTS.name,
                               count=restart + 1))
    return lines


# ------------------------------------------------------------------ http-5xx-after-deploy: checkout-web 3.9.0

INGRESS = deployment_pod(
    "ingress-nginx", "ingress-nginx-controller", "6b4f9d7c8", "z5k2r",
    "registry.k8s.io/ingress-nginx/controller:v1.11.2", container="controller",
    extra_labels={"app.kubernetes.io/component": "controller"})
OLD_CHECKOUT = deployment_pod("checkout", "checkout-web", "7b5d9c4f6", "m4rtx", f"{ECR}/shop/checkout-web:3.8.2",
                              extra_labels={"app.kubernetes.io/version": "3.8.2"})
NEW_CHECKOUT = [
    deployment_pod("checkout", "checkout-web", "5f7c8d9b4", suffix, f"{ECR}/shop/checkout-web:3.9.0",
                   extra_labels={"app.kubernetes.io/version": "3.9.0"})
    for suffix in ("h2kxq", "p8wvn")
]
PATHS = ["/api/cart/checkout", "/api/cart", "/api/cart/items", "/api/checkout/quote"]


def access_line(at, method, path, status, upstream, duration):
    """ingress-nginx's default log format."""
    when = datetime.fromtimestamp(T0 + at, tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
    request_id = stable_hex("req", str(at), path, length=32)
    size = 150 if status >= 500 else 1834
    return Line(at, INGRESS,
                f'10.0.12.{34 + int(at) % 40} - - [{when}] "{method} {path} HTTP/1.1" {status} {size} '
                f'"https://shop.example.com/cart" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 '
                f'(KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36" 734 {duration:.3f} '
                f'[checkout-checkout-web-8080] [] {upstream}:8080 {size} {duration:.3f} {status} {request_id}')


def deploy_lines():
    lines = [access_line(-40.0 + 4 * i, "GET", PATHS[i % 4], 200, "10.0.57.12", 0.021 + 0.003 * i) for i in range(5)]
    lines.append(Line(-35.0, OLD_CHECKOUT, {"level": "info", "ts": iso(-35.0), "logger": "http", "msg": "request served",
                                            "method": "GET", "path": "/api/cart", "status": 200, "duration_ms": 18.2,
                                            "version": "3.8.2"}))
    lines.append(k8s_event(0.0, "ScalingReplicaSet", "Scaled up replica set checkout-web-5f7c8d9b4 to 2",
                           "Deployment", "checkout", "checkout-web", etype="Normal",
                           component="deployment-controller"))
    for n, pod in enumerate(NEW_CHECKOUT):
        lines.append(k8s_event(2.0 + n, "Pulled", f'Successfully pulled image "{pod.image}" in 1.84s',
                               "Pod", "checkout", pod.name, etype="Normal"))
        lines.append(Line(6.0 + n, pod, {"level": "info", "ts": iso(6.0 + n), "logger": "main",
                                         "msg": "checkout-web starting", "version": "3.9.0", "port": 8080}))
    lines.append(k8s_event(20.0, "ScalingReplicaSet", "Scaled down replica set checkout-web-7b5d9c4f6 to 0 from 2",
                           "Deployment", "checkout", "checkout-web", etype="Normal",
                           component="deployment-controller"))
    # The burst: every second or two a request fails, for a minute after the new pods took traffic.
    for i in range(30):
        at = 24.0 + 2.0 * i
        pod = NEW_CHECKOUT[i % 2]
        path = PATHS[i % 4]
        status = 502 if i % 5 == 4 else 500
        upstream = "10.0.61.8" if i % 2 == 0 else "10.0.61.23"
        lines.append(access_line(at + 0.004, "POST" if path.endswith("checkout") else "GET", path, status, upstream,
                                 0.004 if status == 502 else 0.012))
        if status == 500:
            lines.append(Line(at, pod, {
                "level": "error", "ts": iso(at), "logger": "http", "msg": "request failed",
                "method": "POST" if path.endswith("checkout") else "GET", "path": path, "status": 500,
                "duration_ms": 11.8 + i % 3, "version": "3.9.0",
                "error": 'pq: column "discount_code" of relation "carts" does not exist',
                "trace_id": stable_hex("trace", str(i), length=32)}))
        else:
            lines.append(Line(at, pod, "panic: runtime error: invalid memory address or nil pointer dereference",
                              "stderr"))
    return lines


# ------------------------------------------------------------------ noise: an ordinary minute

FRONTEND = deployment_pod("shop", "frontend", "84d6b7c9f", "t9w2c", f"{ECR}/shop/frontend:1.22.0", container="nginx")
REDIS = Pod("shop", "redis-0", "redis", "docker.io/library/redis:7.2.5",
            {"app.kubernetes.io/name": "redis", "statefulset.kubernetes.io/pod-name": "redis-0"},
            owner=("StatefulSet", "redis"))
COREDNS = deployment_pod("kube-system", "coredns", "5d78c9869d", "8fj2l", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2",
                         extra_labels={"k8s-app": "kube-dns"})
CATALOG = deployment_pod("shop", "catalog", "69c4d5b8f7", "wq4vd", f"{ECR}/shop/catalog:5.3.1")


def noise_lines():
    lines = []
    for i in range(6):
        at = 5.0 * i
        when = datetime.fromtimestamp(T0 + at, tz=timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000")
        lines.append(Line(at, FRONTEND, f'10.0.3.{17 + i} - - [{when}] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31+"'))
        lines.append(Line(at + 1.3, FRONTEND, f'10.0.12.{40 + i} - - [{when}] "GET /static/js/main.{stable_hex("js", length=8)}.js '
                                                f'HTTP/1.1" 200 48211 "https://shop.example.com/" "Mozilla/5.0 (Macintosh; Intel '
                                                f'Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15"'))
        lines.append(Line(at + 2.1, CATALOG, {"level": "debug", "ts": iso(at + 2.1), "logger": "cache",
                                              "msg": "cache hit", "key": f"product:{4711 + i}", "ttl_s": 287 - i}))
        lines.append(Line(at + 2.6, COREDNS, f'[INFO] 10.0.61.{8 + i}:{51234 + 17 * i} - {4100 + i} "A IN '
                                             f'redis.shop.svc.cluster.local. udp 58 false 512" NOERROR qr,aa,rd 110 0.000{120 + i}s'))
    lines += [
        Line(12.0, REDIS, "1:M 14 Mar 2025 09:27:05.012 * 100 changes in 300 seconds. Saving..."),
        Line(12.1, REDIS, "1:M 14 Mar 2025 09:27:05.013 * Background saving started by pid 4127"),
        Line(12.4, REDIS, "4127:C 14 Mar 2025 09:27:05.331 * DB saved on disk"),
        Line(12.5, REDIS, "1:M 14 Mar 2025 09:27:05.415 * Background saving terminated with success"),
        Line(18.0, CATALOG, {"level": "info", "ts": iso(18.0), "logger": "http", "msg": "request served",
                             "method": "GET", "path": "/api/products", "status": 200, "duration_ms": 23.7}),
        Line(19.0, CATALOG, {"level": "info", "ts": iso(19.0), "logger": "sync",
                             "msg": "price feed refreshed", "products": 1842, "changed": 12}),
    ]
    return lines


# ------------------------------------------------------------------ malformed-record: two bad values among good ones

def malformed_event():
    lines = noise_lines()[:6]
    # One more line each for the two bad values, so their coordinates look like any other record's.
    lines.append(Line(3.0, CATALOG, "placeholder"))
    lines.append(Line(3.5, CATALOG, "placeholder"))
    ordered = sorted(lines, key=lambda l: l.at)
    bad_base64 = next(i for i, l in enumerate(ordered) if l.at == 3.0)
    plain_text = next(i for i, l in enumerate(ordered) if l.at == 3.5)
    return msk_event(lines, raw_values={
        # '%' and '!' are not in the base64 alphabet.
        bad_base64: "%%not-base64!!",
        # Valid base64 of a line that is not JSON: some producers send the bare log line.
        plain_text: encode(b"2025-03-14 09:26:56 catalog WARN connection reset by peer, retrying in 5s"),
    })


EVENTS = {
    "pod-crashloop.json": lambda: msk_event(crashloop_lines()),
    "http-5xx-after-deploy.json": lambda: msk_event(deploy_lines()),
    "noise.json": lambda: msk_event(noise_lines()),
    "malformed-record.json": malformed_event,
}


def main(argv):
    check = "--check" in argv
    stale = []
    for name, build in EVENTS.items():
        text = json.dumps(build(), indent=2) + "\n"
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print("out of date (run python3 events/generate.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
