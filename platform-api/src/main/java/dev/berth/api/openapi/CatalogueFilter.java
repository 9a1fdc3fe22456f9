package dev.berth.api.openapi;

import dev.berth.api.lifecycle.JobReason;
import dev.berth.api.problems.Problem;
import dev.berth.api.problems.ProblemType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Puts the two catalogues a client codes against into the OpenAPI document: every problem type
 * (the {@code type} values of {@code application/problem+json} answers, with status, title and
 * meaning) and every job reason. Both come from their enums, so the document cannot fall behind.
 */
public class CatalogueFilter implements OASFilter {

    static final String PROBLEM_TYPES = "x-berth-problem-types";
    static final String JOB_REASONS = "x-berth-job-reasons";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        List<Object> types = new ArrayList<>();
        for (ProblemType type : ProblemType.values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", type.uri());
            entry.put("status", type.status());
            entry.put("title", type.title());
            entry.put("meaning", type.meaning());
            types.add(entry);
        }
        List<Object> reasons = new ArrayList<>();
        for (JobReason reason : JobReason.values()) {
            reasons.add(Map.of("reason", reason.name(), "meaning", reason.meaning()));
        }
        openAPI.addExtension(PROBLEM_TYPES, types);
        openAPI.addExtension(JOB_REASONS, reasons);
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema("Problem", problemSchema());
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .description("RFC 9457 problem document (" + Problem.MEDIA_TYPE + "); `type` is one of " + PROBLEM_TYPES
                        + " or http-<status> for a refusal by the HTTP layer")
                .addType(Schema.SchemaType.OBJECT)
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("violations", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                                .addProperty("rule", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING))));
    }
}
