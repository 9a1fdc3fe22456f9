package dev.berth.api.problems;

/**
 * The catalogue of problem types the API answers with: each is a stable {@code type} URI
 * ({@code https://berth.dev/problems/<slug>}), its status and title, and what it means. A problem
 * can only be made from an entry here, so the catalogue (served in the OpenAPI document and listed
 * in docs/api.md) cannot miss one. Framework refusals before Berth's code runs are the
 * {@code http-<status>} family ({@link Problem#http}).
 */
public enum ProblemType {
    MALFORMED_REQUEST("malformed-request", 400, "Malformed request",
            "the body is not one strict JSON object of the route's shape, or a required field of it is blank"),
    INVALID_PARAMETER("invalid-parameter", 400, "Invalid parameter", "a query parameter is malformed"),
    INVALID_CURSOR("invalid-cursor", 400, "Invalid cursor", "a pagination cursor this platform did not hand out"),
    INVALID_LIMIT("invalid-limit", 400, "Invalid page size", "a job listing's limit outside 1 to the maximum page size"),
    INVALID_STATE("invalid-state", 400, "Unknown job state", "a job listing's state filter that names no job state"),
    INVALID_LABEL_FILTER("invalid-label-filter", 400, "Invalid label filter", "a job listing's label filter that is not key=value"),
    INVALID_OFFSET("invalid-offset", 400, "Invalid offset", "a log offset below 0 or not a number"),
    INVALID_ATTEMPT("invalid-attempt", 400, "No such attempt", "a log request for an attempt the job never had"),
    INVALID_STREAM("invalid-stream", 400, "Unknown log stream", "a log stream other than stdout or stderr"),
    INVALID_IDEMPOTENCY_KEY("invalid-idempotency-key", 400, "Invalid Idempotency-Key", "an Idempotency-Key header that is empty or too long"),
    UNAUTHENTICATED("unauthenticated", 401, "Authentication required", "no bearer token, or one that does not verify"),
    REGISTRY_QUOTA_EXCEEDED("registry-quota-exceeded", 401, "Registry quota exceeded", "a registry push token refused because the"
            + " tenant's images fill its registryBytes quota (401: registry clients print a token refusal's reason only for that status)"),
    FORBIDDEN("forbidden", 403, "Forbidden", "the roles or the token's organizations do not allow the route"),
    NOT_FOUND("not-found", 404, "Not found", "no such object; another tenant's object answers the same"),
    UNKNOWN_USER("unknown-user", 404, "Unknown user", "no such user in the identity provider's realm"),
    TENANT_EXISTS("tenant-exists", 409, "Tenant exists", "a tenant of that name is already provisioned"),
    ORGANIZATION_EXISTS("organization-exists", 409, "Organization exists", "the identity provider already has an organization of that name"),
    MEMBER_OF_ANOTHER_ORGANIZATION("member-of-another-organization", 409, "Member of another organization",
            "a user belongs to one tenant at most"),
    TENANT_WITHOUT_ORGANIZATION("tenant-without-organization", 409, "Tenant has no organization",
            "the tenant was provisioned without an identity provider organization"),
    NO_IDENTITY_PROVIDER("no-identity-provider", 409, "No identity provider", "member management needs Keycloak; the embedded issuer has no directory"),
    IMAGE_BUSY("image-busy", 409, "Image busy", "the image is being pulled, or its name and tag are taken"),
    UPLOAD_IN_USE("upload-in-use", 409, "Upload in use", "an input upload that a queued or running job names cannot be deleted until"
            + " the job ends"),
    IMAGE_BUILT_IN("image-built-in", 409, "Built-in image", "built-in images cannot be deleted"),
    LOGS_EXPIRED("logs-expired", 410, "Logs expired", "the job's logs were removed by retention"),
    ARTIFACTS_EXPIRED("artifacts-expired", 410, "Artifacts expired", "the job's artifacts were removed by retention or the tenant's quota"),
    BODY_TOO_LARGE("body-too-large", 413, "Request body too large", "a body beyond berth.http.max-body-bytes on a route that does not stream"),
    IMAGE_TOO_LARGE("image-too-large", 413, "Image too large", "an import beyond berth.images.max-image-bytes"),
    INPUT_TOO_LARGE("input-too-large", 413, "Input too large", "an input upload beyond the tenant's upload cap (berth.data.max-upload-bytes,"
            + " or less when the tenant's largest job scratch is smaller), packed or unpacked"),
    UPLOAD_QUOTA_EXCEEDED("upload-quota-exceeded", 413, "Upload quota exceeded", "an input upload that would take the tenant's stored"
            + " uploads past its uploadBytes quota; nothing was stored"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported media type", "an import that is neither a root filesystem tar nor an OCI archive"),
    POLICY_VIOLATION("policy-violation", 422, "Request refused by policy",
            "a well-formed request that policy refuses; violations lists {rule, field, message}"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 422, "Idempotency-Key reused with a different request",
            "the key was first used with another body"),
    INVALID_IMAGE("invalid-image", 422, "Invalid image request", "an image pull without a reference"),
    IMAGE_REFUSED("image-refused", 422, "Image refused", "the registry or the image's content was refused (the detail says which rule)"),
    INPUT_REFUSED("input-refused", 422, "Input refused",
            "an uploaded input tar broke an entry rule of image layers (the detail names the entry and the rule); nothing was stored"),
    INTERNAL_ERROR("internal-error", 500, "Internal error", "the platform failed; its log has the cause"),
    PROVISIONING_INCOMPLETE("provisioning-incomplete", 500, "Provisioning left an organization behind",
            "provisioning failed and could not undo what it made in the identity provider"),
    IDENTITY_PROVIDER_FAILED("identity-provider-failed", 502, "Identity provider failed", "Keycloak answered an error"),
    PROVISIONING_FAILED("provisioning-failed", 503, "Provisioning failed", "the identity provider could not be reached; nothing was kept"),
    ID_RANGES_EXHAUSTED("id-ranges-exhausted", 503, "No free host ID range", "every subordinate ID range of the host is taken"),
    REGISTRY_UNAVAILABLE("registry-unavailable", 503, "Registry unavailable", "the platform's image registry could not be reached or refused the platform"),
    NO_IMAGE_STORE("no-image-store", 503, "This replica keeps no images", "an import sent to an API-only replica"),
    HOST_UNPREPARED("host-unprepared", 503, "Host not prepared", "the engine host is not ready; the detail names the fix");

    private final String slug;
    private final int status;
    private final String title;
    private final String meaning;

    ProblemType(String slug, int status, String title, String meaning) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.meaning = meaning;
    }

    public String uri() {
        return Problem.TYPE_BASE + slug;
    }

    public String slug() {
        return slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String meaning() {
        return meaning;
    }
}
