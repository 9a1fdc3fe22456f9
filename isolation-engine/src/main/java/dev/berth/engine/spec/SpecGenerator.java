package dev.berth.engine.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes one concern (process, namespaces, mounts, ...) of an OCI runtime spec. */
interface SpecGenerator {

    void generate(BundleContext context, ObjectNode spec);
}
