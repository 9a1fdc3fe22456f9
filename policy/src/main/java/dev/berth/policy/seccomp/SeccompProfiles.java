package dev.berth.policy.seccomp;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The seccomp profiles kept in this repository. Each is read once from its resource; its digest is
 * the SHA-256 of that text, so any edit to the profile shows up as a new digest in job views.
 */
public final class SeccompProfiles {

    /** The profile of every tier: the allow-list and its reasons are in berth-restricted.json. */
    public static final String RESTRICTED = "berth-restricted";

    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO");
    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
            "SCMP_CMP_GT", "SCMP_CMP_GE", "SCMP_CMP_MASKED_EQ");
    private static final SeccompProfile RESTRICTED_PROFILE = load(RESTRICTED);

    private SeccompProfiles() {
    }

    public static SeccompProfile restricted() {
        return RESTRICTED_PROFILE;
    }

    public static boolean exists(String name) {
        return name.equals(RESTRICTED);
    }

    /** The profile of that name; the platform baseline only accepts names for which {@link #exists} holds. */
    public static SeccompProfile named(String name) {
        if (!exists(name)) {
            throw new IllegalArgumentException("no seccomp profile named " + name + "; known: " + RESTRICTED);
        }
        return RESTRICTED_PROFILE;
    }

    /**
     * The profile a plan names by {@code name@digest}, if this build has exactly that text. A plan
     * admitted before the profile changed names a digest that is gone and must be admitted again.
     */
    public static Optional<SeccompProfile> byReference(String reference) {
        return Optional.of(RESTRICTED_PROFILE).filter(profile -> profile.reference().equals(reference));
    }

    static SeccompProfile load(String name) {
        String resource = name + ".json";
        try (InputStream in = SeccompProfiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("seccomp profile " + resource + " is missing from the policy jar: rebuild it");
            }
            byte[] text = in.readAllBytes();
            ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            ObjectNode tree = (ObjectNode) mapper.readTree(text);
            tree.put("digest", "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text)));
            SeccompProfile profile = mapper.treeToValue(tree, SeccompProfile.class);
            check(profile, resource);
            return profile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seccomp profile " + resource + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks SHA-256", e);
        }
    }

    /** Refuses a profile that is not default-deny or uses what the engine cannot compile. */
    private static void check(SeccompProfile profile, String resource) {
        if (!profile.defaultAction().equals("SCMP_ACT_ERRNO")) {
            throw new IllegalStateException(resource + " must deny by default (SCMP_ACT_ERRNO), not " + profile.defaultAction());
        }
        if (!profile.architectures().equals(List.of("SCMP_ARCH_X86_64"))) {
            throw new IllegalStateException(resource + " must name exactly SCMP_ARCH_X86_64, the one ABI jobs may use");
        }
        for (SeccompProfile.SyscallRule rule : profile.syscalls()) {
            if (!ACTIONS.contains(rule.action()) || (rule.action().equals("SCMP_ACT_ERRNO") != (rule.errnoRet() != null))) {
                throw new IllegalStateException(resource + ": rule " + rule.group() + " must allow, or answer an errno it names");
            }
            rule.args().stream().filter(arg -> !OPERATORS.contains(arg.op()) || arg.index() < 0 || arg.index() > 5).findAny()
                    .ifPresent(arg -> {
                        throw new IllegalStateException(resource + ": rule " + rule.group() + " has an invalid argument condition " + arg);
                    });
        }
    }
}
