package org.glanceconvert.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.DaemonConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * No cluster and no Docker engine run here, so the deploy files are checked by reading them:
 * every reference inside the Kubernetes manifests resolves, and the unit and Dockerfile carry
 * what an operator relies on.
 */
class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path K8S = Path.of("deploy/kubernetes");

    private static JsonNode load(String file) throws Exception {
        return YAML.readTree(K8S.resolve(file).toFile());
    }

    @Test
    void kubernetesReferencesLineUp() throws Exception {
        JsonNode kustomization = load("kustomization.yaml");
        Map<String, JsonNode> byKind = new HashMap<>();
        for (JsonNode r : kustomization.get("resources")) {
            JsonNode doc = load(r.asText());
            byKind.put(doc.get("kind").asText(), doc);
        }
        JsonNode deployment = byKind.get("Deployment");
        JsonNode pod = deployment.at("/spec/template");
        assertEquals(deployment.at("/spec/selector/matchLabels"), pod.at("/metadata/labels"));
        JsonNode container = pod.at("/spec/containers/0");
        Set<String> ports = new HashSet<>();
        container.get("ports").forEach(p -> ports.add(p.get("name").asText()));
        assertTrue(ports.contains(container.at("/livenessProbe/httpGet/port").asText()));
        assertEquals("/healthz", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/readyz", container.at("/readinessProbe/httpGet/path").asText());
        Set<String> volumes = new HashSet<>();
        for (JsonNode v : pod.at("/spec/volumes")) {
            volumes.add(v.get("name").asText());
            if (v.has("configMap")) {
                assertEquals(byKind.get("ConfigMap").at("/metadata/name").asText(), v.at("/configMap/name").asText());
            }
            if (v.has("secret")) {
                assertEquals(byKind.get("Secret").at("/metadata/name").asText(), v.at("/secret/secretName").asText());
            }
        }
        for (JsonNode m : container.get("volumeMounts")) {
            assertTrue(volumes.contains(m.get("name").asText()), "mount of unknown volume " + m);
        }
        assertTrue(pod.at("/spec/volumes").findValues("emptyDir").size() >= 1, "work dir is an emptyDir");
        JsonNode service = byKind.get("Service");
        assertEquals(pod.at("/metadata/labels"), service.at("/spec/selector"));
        assertTrue(ports.contains(service.at("/spec/ports/0/targetPort").asText()));
        assertTrue(container.at("/resources/requests/memory").asText().endsWith("Mi"));
        // The config and clouds.yaml paths the container is told about exist in its mounts.
        String clouds = container.get("env").findValuesAsText("value").get(0);
        assertTrue(clouds.startsWith("/etc/glance-convert/secret/"), clouds);
        assertTrue(byKind.get("Secret").at("/stringData").has("clouds.yaml"));
        String configArg = container.get("args").get(2).asText();
        assertTrue(byKind.get("ConfigMap").at("/data").has(Path.of(configArg).getFileName().toString()));
    }

    @Test
    void configMapIsAValidDaemonConfig() throws Exception {
        String config = load("configmap.yaml").at("/data/glance-convert.yaml").asText();
        DaemonConfig parsed = new DaemonConfigLoader(Map.of())
                .parse(config.replace("/etc/glance-convert/secret/id-namespace", idNamespaceFile().toString()),
                        Path.of("configmap.yaml"), Path.of("."));
        assertEquals(1, parsed.clouds().size());
        int port = load("deployment.yaml").at("/spec/template/spec/containers/0/ports/0/containerPort").asInt();
        assertEquals(port, parsed.metrics().port(), "the container exposes the port the daemon listens on");
        assertEquals("0.0.0.0", parsed.metrics().bind(), "in a pod, metrics must be reachable from outside");
    }

    private static Path idNamespaceFile() throws Exception {
        Path f = Files.createTempFile("id-namespace", "");
        Files.writeString(f, java.util.UUID.randomUUID().toString());
        f.toFile().deleteOnExit();
        return f;
    }

    @Test
    void systemdUnitIsHardened() throws Exception {
        String unit = Files.readString(Path.of("deploy/systemd/glance-convert.service"));
        for (String key : new String[] {"User=glance-convert", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "PrivateTmp=yes", "ReadWritePaths=/var/lib/glance-convert /var/log/glance-convert",
                "Restart=on-failure", "SuccessExitStatus=143"}) {
            assertTrue(unit.contains(key + "\n"), "unit lacks " + key);
        }
    }

    @Test
    void dockerfileIsMultiStageNonRootWithHealthcheck() throws Exception {
        String df = Files.readString(Path.of("deploy/container/Dockerfile"));
        assertEquals(2, df.lines().filter(l -> l.startsWith("FROM ")).count());
        assertTrue(df.contains("FROM eclipse-temurin:17-jre"));
        assertTrue(df.lines().anyMatch(l -> l.startsWith("USER ") && !l.contains("root")));
        assertTrue(df.contains("HEALTHCHECK") && df.contains("/healthz"));
        assertTrue(df.contains("VOLUME [\"/var/lib/glance-convert\"]"));
    }
}
