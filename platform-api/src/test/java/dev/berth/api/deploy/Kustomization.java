package dev.berth.api.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The subset of kustomize that k8s/ uses, so the manifests can be checked where no kustomize
 * binary exists: resources (files and directories), strategic-merge patches by kind and name, and
 * ConfigMap/Secret generators (names only: generated data never carries a security setting). Any
 * other kustomization field is refused rather than silently ignored, so the manifests cannot grow
 * a feature this loader would render differently from kustomize.
 */
final class Kustomization {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "patches", "configMapGenerator", "secretGenerator");
    static final ObjectMapper YAML = new YAMLMapper();

    private Kustomization() {
    }

    static List<ObjectNode> render(Path dir) {
        JsonNode kustomization = readAll(dir.resolve("kustomization.yaml")).getFirst();
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!SUPPORTED.contains(field)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml uses '" + field + "', which this loader does not support");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            objects.addAll(Files.isDirectory(path) ? render(path) : readAll(path));
        }
        generate(kustomization.path("configMapGenerator"), "ConfigMap", objects);
        generate(kustomization.path("secretGenerator"), "Secret", objects);
        for (JsonNode patch : kustomization.path("patches")) {
            if (!patch.has("path") || patch.size() != 1) {
                throw new IllegalArgumentException("only file patches ({path: ...}) are supported, not " + patch);
            }
            for (ObjectNode doc : readAll(dir.resolve(patch.get("path").asText()))) {
                ObjectNode target = objects.stream().filter(object -> sameObject(object, doc)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("patch " + patch + " matches nothing: " + id(doc)));
                merge(target, doc);
            }
        }
        return objects;
    }

    static String id(JsonNode object) {
        return object.path("kind").asText() + " " + object.path("metadata").path("namespace").asText() + "/" + object.path("metadata").path("name").asText();
    }

    private static boolean sameObject(JsonNode a, JsonNode b) {
        return id(a).equals(id(b));
    }

    private static void generate(JsonNode generators, String kind, List<ObjectNode> objects) {
        for (JsonNode generator : generators) {
            ObjectNode object = YAML.createObjectNode().put("apiVersion", "v1").put("kind", kind);
            object.putObject("metadata").put("name", generator.path("name").asText()).put("namespace", generator.path("namespace").asText());
            objects.add(object);
        }
    }

    /**
     * Strategic merge as far as k8s/ needs it: maps merge key by key, lists of named items
     * (containers, env, volumes) merge by name with new items first, any other list is replaced.
     */
    static void merge(ObjectNode target, JsonNode patch) {
        patch.properties().forEach(entry -> {
            JsonNode existing = target.get(entry.getKey());
            JsonNode value = entry.getValue();
            if (existing instanceof ObjectNode map && value.isObject()) {
                merge(map, value);
            } else if (existing instanceof ArrayNode list && value.isArray() && allNamed(value) && allNamed(list)) {
                int inserted = 0;
                for (JsonNode item : value) {
                    ObjectNode match = null;
                    for (JsonNode candidate : list) {
                        if (candidate.get("name").equals(item.get("name"))) {
                            match = (ObjectNode) candidate;
                        }
                    }
                    if (match == null) {
                        // kustomize puts new items first, in the patch's order (order matters to $(VAR) in env).
                        list.insert(inserted++, item.deepCopy());
                    } else {
                        merge(match, item);
                    }
                }
            } else {
                target.set(entry.getKey(), value.deepCopy());
            }
        });
    }

    private static boolean allNamed(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.has("name")) {
                return false;
            }
        }
        return !list.isEmpty();
    }

    static List<ObjectNode> readAll(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /** Every document of a multi-document YAML stream; empty documents (a trailing ---) are skipped. */
    static List<ObjectNode> parse(String yaml) {
        try (var parser = YAML.getFactory().createParser(yaml)) {
            List<ObjectNode> docs = new ArrayList<>();
            YAML.readValues(parser, ObjectNode.class).forEachRemaining(doc -> {
                if (doc != null) {
                    docs.add(doc);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
