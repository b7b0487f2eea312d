package org.glanceconvert.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DaemonConfigLoaderTest {
    private static final String NS = "3f2b8c1e-6d1a-4c0e-9b8e-2a7d5f1c9e40";
    private static final String MINIMAL = """
            id_namespace: %s
            work_dir: /var/lib/gc
            clouds:
              - name: c1
                target_format: raw
            """.formatted(NS);

    @TempDir
    Path dir;

    private final DaemonConfigLoader loader = new DaemonConfigLoader(Map.of("RABBIT_URL", "rabbit://u:pw@mq:5672/"));

    private DaemonConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, dir.resolve("glance-convert.yaml"), dir);
    }

    @Test
    void minimalConfigGetsTheDocumentedDefaults() throws Exception {
        DaemonConfig c = parse(MINIMAL);
        assertEquals(UUID.fromString(NS), c.idNamespace());
        assertEquals(Path.of("/var/lib/gc"), c.workDir());
        assertEquals(10L << 30, c.workDirMinFree());
        assertEquals(2, c.concurrency());
        assertEquals(Duration.ofSeconds(60), c.pollInterval());
        assertEquals(2L << 40, c.maxVirtualSize());
        assertEquals(new RetrySettings(3, Duration.ofSeconds(30), Duration.ofMinutes(15)), c.retry());
        assertEquals(Path.of("/var/lib/gc/conversions.jsonl"), c.conversionLog());
        assertEquals(new MetricsSettings(true, "127.0.0.1", 9464), c.metrics());
        assertEquals(LogFormat.CONSOLE, c.logFormat());
        assertFalse(c.dryRun());
        CloudSettings cloud = c.clouds().get(0);
        assertEquals("c1", cloud.cloud(), "cloud defaults to name");
        assertEquals(OriginalPolicy.HIDE, cloud.original());
        assertEquals(OnUnsafe.TAG, cloud.onUnsafe());
        assertEquals(" (original)", cloud.keepSuffix());
        assertTrue(cloud.rules().isEmpty());
        assertNull(cloud.notifications());
    }

    @Test
    void theShippedExampleLoads() throws Exception {
        String example = Files.readString(Path.of("config/glance-convert.yaml"));
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        example = example.replace("/etc/glance-convert/rabbit-ca.pem", ca.toString());
        DaemonConfigLoader withEnv = new DaemonConfigLoader(Map.of(
                "GLANCE_CONVERT_ID_NAMESPACE", NS, "CEPH_RABBIT_URL", "rabbit://gc:pw@rabbit.example:5671/"));
        DaemonConfig c = withEnv.parse(example, dir.resolve("x.yaml"), dir);
        assertEquals(3, c.clouds().size());
        CloudSettings ceph = c.clouds().get(0);
        assertEquals("raw", ceph.targetFormat());
        assertEquals("ceph-prod", ceph.cloud());
        assertEquals(OnUnsafe.DEACTIVATE, ceph.onUnsafe());
        assertEquals(3, ceph.rules().size());
        assertTrue(ceph.rules().get(0).skip());
        assertEquals("qcow2", ceph.rules().get(1).target());
        assertEquals(Map.of("cluster_size", "64k"), ceph.rules().get(1).output().options());
        assertTrue(ceph.rules().get(2).includeIso());
        NotificationSettings n = ceph.notifications();
        assertEquals("glance-convert", n.queue());
        assertTrue(n.tls().enabled());
        assertFalse(n.toString().contains("pw"), "transport URL password must not be printed: " + n);
        CloudSettings kvm = c.clouds().get(1);
        assertEquals("qcow2", kvm.targetFormat());
        assertEquals(OriginalPolicy.KEEP, kvm.original());
        assertEquals("zlib", kvm.output().options().get("compression_type"));
        CloudSettings vmware = c.clouds().get(2);
        assertEquals("vmdk", vmware.targetFormat());
        assertEquals("streamOptimized", vmware.output().options().get("subformat"));
        assertEquals(OriginalPolicy.DEACTIVATE, vmware.original());
        assertFalse(c.toString().contains(NS), "the id namespace is a secret");
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path ns = Files.writeString(dir.resolve("ns"), NS + "\n");
        DaemonConfig c = parse("""
                id_namespace_file: ns
                work_dir: work
                work_dir_min_free: 1GiB
                concurrency: 4
                poll_interval: PT15S
                max_virtual_size: 512M
                retry: {attempts: 5, backoff: 250ms, max_backoff: 1h}
                lease: 2m
                shutdown_grace: 0s
                conversion_log: logs/c.jsonl
                log_format: JSON
                metrics: {enabled: false, bind: "::1", port: 0}
                dry_run: yes
                clouds:
                  - name: c1
                    cloud: other
                    target_format: VPC
                    output: {options: {subformat: fixed}}
                    original: delete
                    on_unsafe: deactivate
                    notifications:
                      transport_url: ${RABBIT_URL}
                      queue: q1
                    rules:
                      - match: {owner: p1, tag: [a, b], name_regex: "^x.*$", disk_format: [vmdk], properties: {k: "*"}}
                        target: vhd
                """);
        assertEquals(UUID.fromString(NS), c.idNamespace());
        assertEquals(dir.resolve("work"), c.workDir(), "relative to the config file");
        assertEquals(1L << 30, c.workDirMinFree());
        assertEquals(4, c.concurrency());
        assertEquals(Duration.ofSeconds(15), c.pollInterval());
        assertEquals(512L << 20, c.maxVirtualSize());
        assertEquals(new RetrySettings(5, Duration.ofMillis(250), Duration.ofHours(1)), c.retry());
        assertEquals(Duration.ofMinutes(2), c.lease());
        assertEquals(Duration.ZERO, c.shutdownGrace());
        assertEquals(dir.resolve("logs/c.jsonl"), c.conversionLog());
        assertEquals(LogFormat.JSON, c.logFormat());
        assertEquals(new MetricsSettings(false, "::1", 0), c.metrics());
        assertTrue(c.dryRun());
        CloudSettings cloud = c.clouds().get(0);
        assertEquals("vhd", cloud.targetFormat(), "vpc is qemu-img's name for vhd");
        assertEquals("other", cloud.cloud());
        assertEquals(OriginalPolicy.DELETE, cloud.original());
        assertEquals("rabbit://u:pw@mq:5672/", cloud.notifications().transportUrl().toString());
        assertEquals("glance", cloud.notifications().exchange());
        assertEquals("notifications.info", cloud.notifications().routingKey());
        Rule rule = cloud.rules().get(0);
        assertEquals("vhd", rule.target());
        assertEquals(Map.of("subformat", "fixed"), rule.output().options(), "same target: the cloud's output options");
    }

    @Test
    void rulesMatchInOrderWithAndAcrossCriteriaAndOrWithinOne() throws Exception {
        CloudSettings cloud = parse(MINIMAL + """
                    rules:
                      - match: {owner: [p1, p2], tag: golden}
                        skip: true
                      - match: {name: "win-*.img"}
                        target: qcow2
                      - match: {properties: {os_type: [windows, WINDOWS]}}
                        target: vmdk
                      - match: {}
                        target: raw
                """).clouds().get(0);
        assertEquals(0, cloud.ruleFor(image("p2", "x", "raw", Set.of("golden", "z"), Map.of())).orElseThrow().index());
        assertEquals(1, cloud.ruleFor(image("p2", "win-1.img", "raw", Set.of("z"), Map.of())).orElseThrow().index());
        assertEquals(3, cloud.ruleFor(image("p3", "win-1.imgx", "raw", Set.of(), Map.of())).orElseThrow().index(),
                "a glob matches the whole name");
        assertEquals(3, cloud.ruleFor(image("p3", "win(1).img", "raw", Set.of(), Map.of())).orElseThrow().index(),
                "glob characters other than * and ? are literal");
        assertEquals(2, cloud.ruleFor(image("p3", "y", "raw", Set.of(), Map.of("os_type", "windows"))).orElseThrow().index());
        assertEquals(3, cloud.ruleFor(image("p3", "y", "raw", Set.of(), Map.of("os_type", "linux"))).orElseThrow().index());
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                // document
                Arguments.of("", "", "empty"),
                Arguments.of("- a\n- b\n", "", "mapping"),
                Arguments.of("a: [1,\n", "", "not valid YAML"),
                // id namespace
                Arguments.of(MINIMAL.replace("id_namespace: " + NS + "\n", ""), "id_namespace", "is required"),
                Arguments.of(MINIMAL.replace(NS, "not-a-uuid"), "id_namespace", "must be a UUID"),
                Arguments.of(MINIMAL.replace(NS, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "id_namespace", "published"),
                Arguments.of(MINIMAL.replace(NS, "00000000-0000-0000-0000-000000000000"), "id_namespace", "published"),
                Arguments.of(MINIMAL + "id_namespace_file: x\n", "id_namespace", "not both"),
                Arguments.of(MINIMAL.replace("id_namespace: " + NS, "id_namespace_file: missing-file"), "id_namespace_file", "cannot read"),
                Arguments.of(MINIMAL.replace(NS, "${NOPE}"), "id_namespace", "NOPE, which is not set"),
                // top-level values
                Arguments.of(MINIMAL.replace("work_dir: /var/lib/gc\n", ""), "work_dir", "is required"),
                Arguments.of(MINIMAL + "work_dir_min_free: lots\n", "work_dir_min_free", "must be a size"),
                Arguments.of(MINIMAL + "concurrency: 0\n", "concurrency", "between 1 and 64"),
                Arguments.of(MINIMAL + "concurrency: two\n", "concurrency", "whole number"),
                Arguments.of(MINIMAL + "poll_interval: 10 minutes\n", "poll_interval", "duration"),
                Arguments.of(MINIMAL + "poll_interval: 500ms\n", "poll_interval", "at least 1s"),
                Arguments.of(MINIMAL + "max_virtual_size: 0\n", "max_virtual_size", "at least 1"),
                Arguments.of(MINIMAL + "retry: {attempts: 0}\n", "retry.attempts", "between 1 and 100"),
                Arguments.of(MINIMAL + "retry: {backoff: soon}\n", "retry.backoff", "duration"),
                Arguments.of(MINIMAL + "retry: {backoff: 10m, max_backoff: 1m}\n", "retry.max_backoff", "shorter than backoff"),
                Arguments.of(MINIMAL + "retry: {attempt: 3}\n", "retry.attempt", "did you mean attempts"),
                Arguments.of(MINIMAL + "retry: 3\n", "retry", "must be a mapping"),
                Arguments.of(MINIMAL + "lease: 30s\npoll_interval: 60s\n", "lease", "at least poll_interval"),
                Arguments.of(MINIMAL + "log_format: xml\n", "log_format", "console, json"),
                Arguments.of(MINIMAL + "metrics: {port: 70000}\n", "metrics.port", "between 0 and 65535"),
                Arguments.of(MINIMAL + "metrics: {bind: \"a b\"}\n", "metrics.bind", "address"),
                Arguments.of(MINIMAL + "dry_run: maybe\n", "dry_run", "true or false"),
                Arguments.of(MINIMAL + "work_dirr: /x\n", "work_dirr", "did you mean work_dir"),
                // clouds
                Arguments.of(MINIMAL.substring(0, MINIMAL.indexOf("clouds:")), "clouds", "is required"),
                Arguments.of(MINIMAL.substring(0, MINIMAL.indexOf("clouds:")) + "clouds: []\n", "clouds", "at least one"),
                Arguments.of(MINIMAL.substring(0, MINIMAL.indexOf("clouds:")) + "clouds: {a: 1}\n", "clouds", "must be a list"),
                Arguments.of(MINIMAL.substring(0, MINIMAL.indexOf("clouds:")) + "clouds: [x]\n", "clouds[0]", "mapping"),
                Arguments.of(MINIMAL.replace("    target_format: raw\n", ""), "clouds[0].target_format", "is required"),
                Arguments.of(MINIMAL.replace("target_format: raw", "target_format: qcow3"), "clouds[0].target_format", "qcow3"),
                Arguments.of(MINIMAL.replace("name: c1", "name: \"bad name\""), "clouds[0].name", "letters"),
                Arguments.of(MINIMAL.replace("  - name: c1\n", "  - cloud: c1\n"), "clouds[0].name", "is required"),
                Arguments.of(MINIMAL + "  - name: c1\n    target_format: raw\n", "clouds[1].name", "used by another"),
                Arguments.of(MINIMAL + "    original: archive\n", "clouds[0].original", "keep, hide, deactivate, delete"),
                Arguments.of(MINIMAL + "    orignal: delete\n", "clouds[0].orignal", "did you mean original"),
                Arguments.of(MINIMAL + "    original: keep\n    keep_suffix: \"\"\n", "clouds[0].keep_suffix", "two active images"),
                Arguments.of(MINIMAL + "    on_unsafe: delete\n", "clouds[0].on_unsafe", "tag, deactivate"),
                // output
                Arguments.of(MINIMAL + "    output: {options: {cluster_size: 64k}}\n", "clouds[0].output.options.cluster_size", "raw output"),
                Arguments.of(MINIMAL.replace("raw", "vmdk") + "    output: {options: {subformat: monolithicFlat}}\n",
                        "clouds[0].output.options.subformat", "streamOptimized, monolithicSparse"),
                Arguments.of(MINIMAL.replace("raw", "vmdk") + "    output: {compress: true}\n", "clouds[0].output.compress", "cannot be compressed"),
                Arguments.of(MINIMAL.replace("raw", "qcow2") + "    output: {options: {compression_type: lz4}}\n",
                        "clouds[0].output.options.compression_type", "zlib, zstd"),
                Arguments.of(MINIMAL.replace("raw", "qcow2") + "    output: {option: {}}\n", "clouds[0].output.option", "did you mean options"),
                Arguments.of(MINIMAL.replace("raw", "qcow2") + "    output: {options: {cluster_size: [1, 2]}}\n",
                        "clouds[0].output.options.cluster_size", "single value"),
                // rules
                Arguments.of(MINIMAL + "    rules: {a: 1}\n", "clouds[0].rules", "must be a list"),
                Arguments.of(MINIMAL + "    rules:\n      - skip: true\n", "clouds[0].rules[0].match", "is required"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n", "clouds[0].rules[0].skip", "skip: true or target"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n        skip: true\n        target: raw\n",
                        "clouds[0].rules[0].target", "not both"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n        target: ploop\n", "clouds[0].rules[0].target", "ploop"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n        skip: true\n        output: {}\n",
                        "clouds[0].rules[0].output", "skips"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n        skip: true\n        include_iso: true\n",
                        "clouds[0].rules[0].include_iso", "skips"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n        target: vhd\n        output: {options: {subformat: sparse}}\n",
                        "clouds[0].rules[0].output.options.subformat", "dynamic, fixed"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {}\n        target: raw\n      - match: {names: x}\n        target: raw\n",
                        "clouds[0].rules[1].match.names", "did you mean name"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {name: a, name_regex: b}\n        target: raw\n",
                        "clouds[0].rules[0].match.name_regex", "not both"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {name_regex: \"(\"}\n        target: raw\n",
                        "clouds[0].rules[0].match.name_regex", "regular expression"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {tag: {a: b}}\n        target: raw\n",
                        "clouds[0].rules[0].match.tag", "list of values"),
                Arguments.of(MINIMAL + "    rules:\n      - match: {properties: [a]}\n        target: raw\n",
                        "clouds[0].rules[0].match.properties", "mapping"),
                // notifications
                Arguments.of(MINIMAL + "    notifications: {}\n", "clouds[0].notifications.transport_url", "is required"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"http://mq\"}\n",
                        "clouds[0].notifications.transport_url", "rabbit"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"rabbit:x\"}\n",
                        "clouds[0].notifications.transport_url", "needs a host"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"rabbit://mq/\", queue: notifications.info}\n",
                        "clouds[0].notifications.queue", "own queue"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"rabbit://mq/\", queue: amq.x}\n",
                        "clouds[0].notifications.queue", "reserved"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"rabbit://mq/\", tls: {cacert: /nonexistent/ca.pem}}\n",
                        "clouds[0].notifications.tls.cacert", "not a readable file"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"rabbit://mq/\", tls: {verfy: false}}\n",
                        "clouds[0].notifications.tls.verfy", "did you mean verify"),
                Arguments.of(MINIMAL + "    notifications: {transport_url: \"rabbit://mq/\", safety_poll_interval: never}\n",
                        "clouds[0].notifications.safety_poll_interval", "duration"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidConfigs")
    void invalidConfigNamesTheKey(String yaml, String key, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should contain '" + fragment + "'");
        if (!key.isEmpty()) {
            assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
        }
    }

    @Test
    void aMalformedTransportUrlDoesNotEchoItsPassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL
                + "    notifications: {transport_url: \"rabbit://u:s3cr3t^ @mq/\"}\n"));
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void readsAFile() throws Exception {
        Path f = Files.writeString(dir.resolve("c.yaml"), MINIMAL);
        assertEquals(f.toAbsolutePath(), loader.load(f).source());
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    private static RuleSubject image(String owner, String name, String diskFormat, Set<String> tags, Map<String, String> props) {
        return new RuleSubject() {
            @Override
            public String owner() {
                return owner;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String diskFormat() {
                return diskFormat;
            }

            @Override
            public Set<String> tags() {
                return tags;
            }

            @Override
            public Optional<String> property(String key) {
                return Optional.ofNullable(props.get(key));
            }
        };
    }

    @Test
    void startFromAndPollOverlap() throws Exception {
        DaemonConfig c = parse(MINIMAL);
        assertNull(c.startFrom(), "default: the time of the first start");
        assertEquals(Duration.ofMinutes(5), c.pollOverlap());
        assertEquals(java.time.Instant.EPOCH, parse(MINIMAL + "start_from: all\n").startFrom());
        assertEquals(java.time.Instant.parse("2026-11-01T00:00:00Z"),
                parse(MINIMAL + "start_from: 2026-11-01T01:00:00+01:00\n").startFrom());
        assertNull(parse(MINIMAL + "start_from: now\n").startFrom());
        assertEquals(Duration.ofSeconds(30), parse(MINIMAL + "poll_overlap: 30s\n").pollOverlap());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL + "start_from: yesterday\n"));
        assertEquals("start_from", e.key());
    }
}
