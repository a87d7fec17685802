using Automation.Core.Logs;
using Automation.Core.Rules;
using Automation.Core.Rules.Conditions;

namespace Automation.RulesBench;

/// <summary>A benchmark rule and log lines that must trigger it.</summary>
/// <param name="Triggers">Lines the corpus injects (about 1% of records) so every rule has matches.</param>
internal sealed record BenchRule(string Id, string Description, Condition Match, IReadOnlyList<Trigger> Triggers);

/// <summary>A log line that matches a rule, with the namespace and level the rule may also require.</summary>
internal sealed record Trigger(string Line, string? Namespace = null, string? Level = null);

/// <summary>
/// Fifty rules of the kinds operators write (crash signatures, probe failures, infrastructure errors, per-namespace
/// business errors), built from the rules model. bench/rules-50.yaml is the same set in the rules file format
/// (written by `yaml`); the benchmark does not read it.
/// </summary>
internal static class BenchRules
{
    private static readonly SourceLocation At = new("rules-50.yaml", 0, 0);
    private static readonly FieldPath Namespace = FieldPath.Parse("kubernetes.namespace_name");
    private static readonly FieldPath Level = FieldPath.Parse("level");

    private static ContainsCondition Contains(params string[] values) => new(values, null, false, At);

    private static ContainsCondition ContainsIgnoreCase(params string[] values) => new(values, null, true, At);

    private static StartsWithCondition StartsWith(string value) => new([value], null, false, At);

    private static RegexCondition Regex(string pattern, bool ignoreCase = false) => new(pattern, null, ignoreCase, At);

    private static InCondition InNamespace(params string[] namespaces) => new(namespaces, Namespace, false, At);

    private static AllCondition All(params Condition[] conditions) => new(conditions, At);

    private static AnyCondition Any(params Condition[] conditions) => new(conditions, At);

    public static IReadOnlyList<BenchRule> All50 { get; } =
    [
        new("oom-java", "Java service out of memory", Contains("java.lang.OutOfMemoryError"),
            [new("Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space")]),
        new("oom-killed", "Container killed for memory", Contains("OOMKilled"),
            [new("container orders terminated: reason=OOMKilled exitCode=137")]),
        new("go-panic", "Go panic", StartsWith("panic: "),
            [new("panic: runtime error: invalid memory address or nil pointer dereference")]),
        new("segfault", "Native crash", Contains("segmentation fault", "SIGSEGV"),
            [new("fatal error: unexpected signal during runtime execution [signal SIGSEGV: segmentation violation]")]),
        new("connection-refused", "A dependency refuses connections", ContainsIgnoreCase("connection refused"),
            [new("dial tcp 10.0.4.12:5432: connect: Connection Refused")]),
        new("db-too-many-connections", "Database connection limit", ContainsIgnoreCase("too many connections"),
            [new("FATAL:  sorry, too many connections for role \"orders\"")]),
        new("pg-auth-failed", "Postgres rejects a password", Regex("FATAL: +password authentication failed for user \"\\w+\""),
            [new("FATAL:  password authentication failed for user \"ledger\"")]),
        new("deadlock", "Database deadlock", Contains("deadlock detected"),
            [new("ERROR:  deadlock detected DETAIL: Process 4242 waits for ShareLock on transaction 991")]),
        new("disk-full", "A volume is full", Contains("No space left on device", "disk full"),
            [new("write /var/lib/data/segment-0042.log: No space left on device")]),
        new("tls-expired", "An expired certificate", Regex("x509: certificate has expired or is not yet valid"),
            [new("Get \"https://vault.internal:8200/v1/sys/health\": x509: certificate has expired or is not yet valid: current time 2026-11-27")]),
        new("crash-loop", "A container restarts in a loop", Contains("Back-off restarting failed container"),
            [new("Back-off restarting failed container orders in pod orders-7d9f8b6c5d-x2x4q")]),
        new("liveness-5xx", "Liveness probe answers 5xx", Regex("Liveness probe failed: HTTP probe failed with statuscode: 5\\d\\d"),
            [new("Liveness probe failed: HTTP probe failed with statuscode: 503")]),
        new("readiness-failed", "Readiness probe fails", Contains("Readiness probe failed"),
            [new("Readiness probe failed: Get \"http://10.0.3.9:8080/ready\": context deadline exceeded")]),
        new("image-pull", "An image cannot be pulled", Any(Contains("ErrImagePull"), Contains("ImagePullBackOff")),
            [new("Error: ErrImagePull: rpc error: code = NotFound desc = manifest unknown")]),
        new("disk-pressure", "A node is short of disk", Contains("NodeHasDiskPressure"),
            [new("Node ip-10-0-3-21 status is now: NodeHasDiskPressure")]),
        new("dns-failure", "A name does not resolve", Regex("dial tcp: lookup [\\w.-]+ on [\\d.:]+: no such host"),
            [new("dial tcp: lookup payments-db.internal on 172.20.0.10:53: no such host")]),
        new("kafka-rebalance", "A consumer group cannot rebalance", Contains("Rebalance failed"),
            [new("[Consumer clientId=orders-1, groupId=orders] Rebalance failed. org.apache.kafka.common.errors.RebalanceInProgressException")]),
        new("grpc-unavailable", "A gRPC dependency is unavailable", Regex("rpc error: code = Unavailable desc = "),
            [new("rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing\"")]),
        new("hikari-timeout", "The JDBC pool is exhausted", Regex("HikariPool-\\d+ - Connection is not available, request timed out after \\d+ms"),
            [new("java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.")]),
        new("null-pointer", "Java NullPointerException", Contains("java.lang.NullPointerException"),
            [new("java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null")]),
        new("stack-overflow", "Java stack overflow", Contains("java.lang.StackOverflowError"),
            [new("Exception in thread \"worker-3\" java.lang.StackOverflowError")]),
        new("python-traceback", "Python exception", StartsWith("Traceback (most recent call last):"),
            [new("Traceback (most recent call last):\n  File \"/app/worker.py\", line 42, in run\nKeyError: 'order_id'")]),
        new("node-unhandled-rejection", "Node.js unhandled rejection", Contains("UnhandledPromiseRejectionWarning"),
            [new("(node:1) UnhandledPromiseRejectionWarning: Error: connect ETIMEDOUT 10.0.5.4:6379")]),
        new("node-heap", "Node.js out of memory", Contains("JavaScript heap out of memory"),
            [new("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory")]),
        new("nginx-upstream-timeout", "nginx upstream timeout", Regex("upstream timed out \\(110: Connection timed out\\) while reading response header"),
            [new("2026/11/27 12:00:00 [error] 31#31: *4242 upstream timed out (110: Connection timed out) while reading response header from upstream")]),
        new("access-5xx", "A 502/503/504 in an access log", Regex("\" 50[234] \\d+ \""),
            [new("10.0.7.7 - - [27/Nov/2026:12:00:00 +0000] \"POST /api/v1/payments HTTP/1.1\" 502 157 \"-\" \"okhttp/4.12\"")]),
        new("redis-down", "Redis unreachable", ContainsIgnoreCase("could not connect to redis"),
            [new("Could not connect to Redis at redis-master:6379: Connection timed out")]),
        new("s3-access-denied", "S3 denies access", Regex("AccessDenied: Access Denied\\s+status code: 403"),
            [new("operation error S3: GetObject, https response error StatusCode: 403, api error AccessDenied: Access Denied status code: 403")]),
        new("aws-throttled", "AWS throttles calls", Contains("ThrottlingException", "Rate exceeded"),
            [new("An error occurred (ThrottlingException) when calling the DescribeInstances operation: Rate exceeded")]),
        new("circuit-open", "A circuit breaker opened", All(Contains("CircuitBreaker"), Contains("is OPEN")),
            [new("CircuitBreaker 'inventory' is OPEN and does not permit further calls")]),
        new("leader-lost", "A controller lost its lease", Contains("leaderelection lost"),
            [new("leaderelection lost for kube-controller-manager")]),
        new("etcd-timeout", "etcd is slow", Regex("etcdserver: request timed out"),
            [new("Error from server: etcdserver: request timed out, possibly due to previous leader failure")]),
        new("cert-renewal", "cert-manager cannot renew", Contains("Failed to renew certificate"),
            [new("Failed to renew certificate default/api-tls: ACME order failed")]),
        new("sql-syntax", "SQL syntax error", Regex("ERROR: +syntax error at or near \"\\w+\""),
            [new("ERROR:  syntax error at or near \"FROM\" at character 42")]),
        new("kernel-oom", "The kernel killed a runtime", Regex("Out of memory: Killed process \\d+ \\((java|node|python3?)\\)"),
            [new("Out of memory: Killed process 4242 (java) total-vm:8388608kB, anon-rss:4194304kB")]),
        new("fd-limit", "File descriptors exhausted", ContainsIgnoreCase("too many open files"),
            [new("accept tcp [::]:8080: accept4: Too Many Open Files; retrying in 1s")]),
        new("disk-io-error", "A block device fails", Regex("I/O error, dev \\w+, sector \\d+"),
            [new("blk_update_request: I/O error, dev nvme1n1, sector 20971520 op 0x1:(WRITE)")]),
        new("payment-declined", "Payments are declined", All(InNamespace("payments", "checkout"), ContainsIgnoreCase("payment declined")),
            [new("Payment declined by issuer: insufficient funds", Namespace: "payments")]),
        new("checkout-5xx", "Checkout answers 5xx", All(InNamespace("checkout"), Regex("status=5\\d\\d")),
            [new("request finished method=POST path=/checkout status=503 duration=1204ms", Namespace: "checkout")]),
        new("ledger-mismatch", "The ledger does not balance", All(InNamespace("finance"), Contains("balance mismatch")),
            [new("reconciliation: balance mismatch on account 4242: expected 100.00 got 99.00", Namespace: "finance")]),
        new("fraud-alert", "Fraud scoring flags a payment", All(InNamespace("payments"), Any(Contains("fraud score"), Regex("risk=(high|critical)"))),
            [new("scored transaction tx-4242 risk=critical", Namespace: "payments")]),
        new("ingress-rate-limit", "The ingress limits requests", All(InNamespace("ingress"), Contains("limiting requests, excess:")),
            [new("2026/11/27 12:00:00 [error] 31#31: *42 limiting requests, excess: 20.500 by zone \"api\"", Namespace: "ingress")]),
        new("auth-brute-force", "Repeated failed logins", Regex("authentication failed for user \\w+ from \\d+\\.\\d+\\.\\d+\\.\\d+"),
            [new("authentication failed for user admin from 203.0.113.42")]),
        new("jwt-invalid", "Invalid tokens", Contains("invalid JWT", "token signature is invalid"),
            [new("rejecting request: token signature is invalid")]),
        new("feature-flags-down", "The feature flag service is unreachable", Contains("feature flag service unreachable"),
            [new("feature flag service unreachable, serving defaults")]),
        new("queue-backlog", "A queue is backing up", Regex("queue depth \\d{5,}"),
            [new("consumer lagging: queue depth 120000 on orders-events")]),
        new("gc-overhead", "The JVM spends its time in GC", Contains("GC overhead limit exceeded"),
            [new("java.lang.OutOfMemoryError: GC overhead limit exceeded")]),
        new("akka-starvation", "Thread starvation", Contains("Thread starvation or clock leap detected"),
            [new("Thread starvation or clock leap detected (housekeeper delta=1m2s)")]),
        new("bad-config", "An error about the configuration",
            All(new InCondition(["error", "fatal"], Level, false, At), ContainsIgnoreCase("invalid configuration")),
            [new("Invalid configuration: missing key payments.gateway.url", Level: "error")]),
        new("migration-failed", "A schema migration failed", Regex("migration \\d+ failed|Flyway.*FAILED"),
            [new("Flyway migration V42__add_index.sql FAILED: duplicate key")]),
    ];

    /// <summary>Lines that hold a rule's literal without matching it: the prefilter lets them through, the confirmation rejects them.</summary>
    public static IReadOnlyList<Trigger> NearMisses { get; } =
    [
        new("payment declined by issuer: do not honour", Namespace: "finance"),
        new("request finished method=GET path=/checkout status=500 duration=12ms", Namespace: "payments"),
        new("consumer healthy: queue depth 12 on orders-events"),
        new("migration 42 succeeded in 1.2s"),
        new("authentication failed for user admin from unknown host"),
        new("invalid configuration value ignored, using default", Level: "info"),
        new("CircuitBreaker 'inventory' is CLOSED"),
        new("scored transaction tx-4242 risk=low", Namespace: "payments"),
        new("Liveness probe failed: HTTP probe failed with statuscode: 404"),
        new("ERROR:  syntax error somewhere"),
    ];

    public static RuleSet RuleSet { get; } = new("rules-50.yaml",
        [.. All50.Select(rule => new Rule(rule.Id, rule.Description, rule.Match, null, null, [], At))]);
}
