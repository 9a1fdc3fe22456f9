package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds a job's OCI runtime spec from small per-concern generators, then validates the result. */
public final class OciSpecBuilder {

    static final String OCI_VERSION = "1.0.2";

    private final ObjectMapper mapper;
    private final List<SpecGenerator> generators = List.of(
            new ProcessGenerator(),
            new NamespaceGenerator(),
            new MountGenerator(),
            new JobDataGenerator(),
            new SeccompGenerator(),
            new CgroupGenerator(),
            new StartGateGenerator());

    public OciSpecBuilder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode build(BundleContext context) {
        ObjectNode spec = mapper.createObjectNode();
        spec.put("ociVersion", OCI_VERSION);
        generators.forEach(generator -> generator.generate(context, spec));
        SpecValidator.validate(spec);
        return spec;
    }
}
