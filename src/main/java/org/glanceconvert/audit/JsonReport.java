package org.glanceconvert.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.glanceconvert.log.Action;

/** {@code --format json}: {@code {"images": [...], "summary": {...}}} (docs/contracts.md). */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static void write(List<AuditEntry> entries, AuditSummary summary, PrintWriter out) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode images = root.putArray("images");
        entries.forEach(e -> images.add(image(e)));
        root.set("summary", summary(summary));
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    static ObjectNode image(AuditEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cloud", e.cloud());
        n.put("id", e.id());
        n.put("name", e.name());
        n.put("owner", e.owner());
        n.put("status", e.status());
        n.put("hidden", e.hidden());
        n.put("declared_format", e.declaredFormat());
        n.put("real_format", e.realFormat());
        n.put("subformat", e.subformat());
        n.put("virtual_size", e.virtualSize());
        n.put("size", e.size());
        if (e.safe() == null) {
            n.putNull("safe");
        } else {
            n.put("safe", e.safe());
        }
        ArrayNode checks = n.putArray("checks");
        e.checks().forEach(checks::add);
        n.put("action", e.action().id());
        n.put("target", e.target());
        n.put("reason", e.reason());
        n.put("read", e.read().id());
        n.put("bytes_read", e.bytesRead());
        SizeEstimate est = e.estimate();
        if (est == null) {
            n.putNull("estimate");
        } else {
            ObjectNode s = n.putObject("estimate");
            s.put("target_size", est.targetSize());
            s.put("delta", est.delta());
            s.put("basis", est.basis().id());
        }
        return n;
    }

    static ObjectNode summary(AuditSummary s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("images", s.images());
        n.put("inspected", s.inspected());
        n.put("unsafe", s.unsafe());
        ObjectNode actions = n.putObject("actions");
        for (Map.Entry<Action, Long> a : s.byAction().entrySet()) {
            actions.put(a.getKey().id(), a.getValue());
        }
        ObjectNode reads = n.putObject("read");
        for (Map.Entry<ReadPath, Long> r : s.byReadPath().entrySet()) {
            reads.put(r.getKey().id(), r.getValue());
        }
        ObjectNode formats = n.putObject("declared_to_real");
        s.declaredToReal().forEach(formats::put);
        ObjectNode checks = n.putObject("unsafe_by_check");
        s.unsafeByCheck().forEach(checks::put);
        ObjectNode bytes = n.putObject("conversion_bytes");
        bytes.put("added", s.bytesAdded());
        bytes.put("saved", s.bytesSaved());
        bytes.put("net", s.bytesAdded() - s.bytesSaved());
        bytes.put("unknown_estimates", s.estimatesUnknown());
        n.put("bytes_read", s.bytesRead());
        return n;
    }
}
