package dev.berth.engine.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that this host has what egress jobs need, naming the fix for each gap. Without it every
 * egress job would end {@code EnforcementUnavailable} at its start gate; a platform that offers
 * egress is not ready while any problem remains.
 */
public final class EgressReadiness {

    /** The device pasta opens for each job's tap interface. */
    public static final Path TUN = Path.of("/dev/net/tun");

    private static final String FIX = "run ./berth up once as root";

    private EgressReadiness() {
    }

    /** Every problem of {@code settings}'s tools and of {@code tunDevice}; empty when egress jobs can start. */
    public static List<String> problems(EgressSettings settings, Path tunDevice) {
        List<String> problems = new ArrayList<>();
        for (Path pasta : settings.uplink().programs()) {
            requireExecutable(problems, "pasta", pasta, "passt");
        }
        requireExecutable(problems, "nft", settings.nft(), "nftables");
        requireExecutable(problems, "dnsmasq", settings.dnsmasq(), "dnsmasq-base");
        requireExecutable(problems, "nsenter", settings.nsenter(), "util-linux");
        // Files.isReadable and isWritable ask access(2), which honours the ACL entry host setup adds.
        if (!Files.exists(tunDevice)) {
            problems.add(tunDevice + " is missing: the kernel needs the tun module (modprobe tun), then " + FIX);
        } else if (!Files.isReadable(tunDevice) || !Files.isWritable(tunDevice)) {
            problems.add(tunDevice + " is not readable and writable by " + System.getProperty("user.name")
                    + " (pasta opens it for each egress job): " + FIX + " to give the service user access");
        }
        return problems;
    }

    private static void requireExecutable(List<String> problems, String tool, Path path, String debianPackage) {
        if (!Files.isExecutable(path)) {
            problems.add(tool + " not found at " + path + ": " + FIX + " to install " + debianPackage);
        }
    }
}
