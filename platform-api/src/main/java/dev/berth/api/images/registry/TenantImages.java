package dev.berth.api.images.registry;

import dev.berth.api.auth.RegistryAccessRules;
import dev.berth.api.config.BerthConfig;
import dev.berth.api.images.ImageCatalog;
import dev.berth.policy.ImageReference;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Jobs on images tenants pushed to the platform's registry. A job may name
 * {@code <name>:<tag>}, which means {@code <registry>/<tenant>/<name>:<tag>} unless the platform's
 * catalog has that name (catalog images keep their meaning), {@code platform/<name>:<tag>} for the
 * admins' shared images, or the full reference. Another tenant's repository resolves to nothing,
 * exactly like a missing one.
 */
@ApplicationScoped
public class TenantImages {

    @Inject
    BerthConfig config;
    @Inject
    RegistryManifests manifests;
    @Inject
    ImageCatalog catalog;

    /** A registry image as admission sees it: the full reference, and the registry's digest for it now. */
    public record Resolved(String reference, String digest) {
    }

    public Optional<Resolved> resolve(String tenant, String image) {
        Optional<String> host = config.registry().host();
        Optional<ImageReference> parsed = ImageReference.parse(image);
        if (host.isEmpty() || parsed.isEmpty()) {
            return Optional.empty();
        }
        ImageReference named = parsed.get();
        String prefix = host.get() + "/";
        String path;
        if (named.repository().startsWith(prefix)) {
            path = named.repository().substring(prefix.length());
        } else if (namesOtherRegistry(named.repository()) || catalog.pin(image).isPresent()) {
            return Optional.empty();
        } else if (RegistryAccessRules.namespaceOf(named.repository()).filter(config.registry().platformNamespace()::equals).isPresent()) {
            path = named.repository();
        } else {
            path = tenant + "/" + named.repository();
        }
        Optional<String> namespace = RegistryAccessRules.namespaceOf(path);
        if (namespace.isEmpty() || !(namespace.get().equals(tenant) || namespace.get().equals(config.registry().platformNamespace()))) {
            return Optional.empty();
        }
        String tag = named.tag() == null && named.digest() == null ? "latest" : named.tag();
        return manifests.digest(path, named.digest() != null ? named.digest() : tag)
                .map(digest -> new Resolved(prefix + path + (tag == null ? "" : ":" + tag), digest));
    }

    /** A first component with a dot or a port, or localhost, is a registry host, as Docker reads references. */
    private static boolean namesOtherRegistry(String repository) {
        int slash = repository.indexOf('/');
        String first = slash < 0 ? "" : repository.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }
}
