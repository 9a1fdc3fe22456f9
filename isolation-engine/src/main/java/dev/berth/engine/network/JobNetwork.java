package dev.berth.engine.network;

import dev.berth.policy.ExecutionPlan;
import dev.berth.policy.egress.AlwaysDenied;
import dev.berth.policy.egress.Cidr;
import dev.berth.policy.egress.EgressRule;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The network of one egress job, set up by the service user while the job is held at its start
 * gate: pasta gives the job's namespace an interface with a route out (no port forwarding either
 * way, no gateway mapped to the host's loopback), one nftables table decides what that route may
 * reach, and a resolver on the job's loopback answers only the allowed host names, with the
 * addresses they had when the job started, which the rules pin. {@link #verify()} reads it all
 * back from the kernel before the gate opens.
 */
public final class JobNetwork implements AutoCloseable {

    /** No forwarding in either direction: a forwarded port would lead from the job to the host, or in to the job. */
    static final List<String> PASTA_OPTIONS = List.of("--config-net", "--no-map-gw", "-t", "none", "-u", "none", "-T", "none", "-U", "none",
            "--no-dhcp", "--no-dhcpv6", "--no-ra", "--foreground", "--quiet");
    private static final Duration SETUP_LIMIT = Duration.ofSeconds(10);
    private static final String RESOLVER_SOCKET = "0100007F:0035";
    private static final String LISTEN = "0A";

    private final long pid;
    private final EgressSettings settings;
    private final Path bundle;
    private final String ruleset;
    private final EgressView view;
    private final List<Process> helpers = new ArrayList<>();
    private final HelperRecord record;

    private JobNetwork(long pid, EgressSettings settings, Path bundle, String ruleset, EgressView view) {
        this.pid = pid;
        this.settings = settings;
        this.bundle = bundle;
        this.ruleset = ruleset;
        this.view = view;
        this.record = new HelperRecord(bundle);
    }

    /**
     * Connects the namespaces of {@code pid} (the start gate's hook, inside the job's namespaces)
     * as {@code plan} allows; a failure leaves nothing running and names what is missing.
     */
    public static JobNetwork connect(long pid, ExecutionPlan plan, EgressSettings settings, Path bundle) throws IOException, InterruptedException {
        Map<String, List<String>> pinned = new TreeMap<>();
        List<NftRuleset.Allowed> allowed = new ArrayList<>();
        for (EgressRule rule : plan.egress()) {
            List<Cidr> networks = new ArrayList<>();
            if (rule.isHostName()) {
                List<String> addresses = new ArrayList<>();
                for (InetAddress address : settings.uplink().resolve(rule.destination())) {
                    networks.add(Cidr.of(address));
                    addresses.add(Cidr.of(address).toString());
                }
                pinned.merge(rule.destination(), addresses, (first, second) -> first);
            } else {
                networks.add(Cidr.parse(rule.destination()).orElseThrow());
            }
            networks.stream().distinct().forEach(network -> allowed.add(new NftRuleset.Allowed(network, rule.effectiveProtocol(), rule.portRange())));
        }
        Set<Cidr> denied = new LinkedHashSet<>(AlwaysDenied.NETWORKS);
        settings.uplink().ownAddresses().stream().filter(address -> !AlwaysDenied.covers(address)).forEach(denied::add);
        denied.addAll(settings.platformNetworks());
        String ruleset = NftRuleset.render(List.copyOf(denied), allowed);
        EgressView view = new EgressView(plan.egress(), pinned, denied.stream().map(Cidr::toString).toList());
        JobNetwork network = new JobNetwork(pid, settings, bundle, ruleset, view);
        try {
            network.start(pinned);
            return network;
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    public EgressView view() {
        return view;
    }

    private void start(Map<String, List<String>> pinned) throws IOException, InterruptedException {
        Process pasta = settings.uplink().startPasta(pid, PASTA_OPTIONS);
        started(pasta);
        awaitOrFail(this::hasDefaultRoute, pasta, "pasta gave the job's namespace no default route");
        Files.writeString(bundle.resolve("egress.nft"), ruleset);
        Process nft = inNamespaces(List.of(settings.nft().toString(), "-f", bundle.resolve("egress.nft").toString())).start();
        String nftOutput = output(nft);
        if (!nft.waitFor(SETUP_LIMIT.toSeconds(), TimeUnit.SECONDS) || nft.exitValue() != 0) {
            nft.destroyForcibly();
            throw new IOException("nft did not install the job's egress rules: " + nftOutput.strip());
        }
        List<String> resolver = new ArrayList<>(List.of(settings.dnsmasq().toString(), "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--address=/#/", "--pid-file=", "--user=nobody", "--group=nogroup",
                "--log-facility=-"));
        pinned.forEach((name, addresses) -> {
            if (!addresses.isEmpty()) {
                resolver.add("--host-record=" + name + "," + String.join(",", addresses));
            }
        });
        Process dnsmasq = inNamespaces(resolver).redirectErrorStream(true).start();
        started(dnsmasq);
        awaitOrFail(() -> sockets("udp").contains(RESOLVER_SOCKET), dnsmasq, "the resolver did not listen on 127.0.0.1:53");
    }

    /** Kept for {@link #close()} and, should this engine die before it, recorded for the next one. */
    private void started(Process helper) throws IOException {
        helpers.add(helper);
        record.add(helper);
    }

    /** Every reason the job's network is not as planned; empty when the kernel shows exactly what was installed. */
    public List<String> verify() throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        Process list = inNamespaces(List.of(settings.nft().toString(), "list", "ruleset")).start();
        String listed = output(list);
        if (!list.waitFor(SETUP_LIMIT.toSeconds(), TimeUnit.SECONDS) || list.exitValue() != 0) {
            problems.add("nft could not list the job's ruleset: " + listed.strip());
        } else {
            problems.addAll(NftRuleset.differences(ruleset, listed));
        }
        for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String socket : sockets(protocol)) {
                if (!socket.equals(RESOLVER_SOCKET)) {
                    problems.add("something listens at " + socket + " (" + protocol + ") in the job's network namespace before it started");
                }
            }
        }
        for (Process helper : helpers) {
            if (!helper.isAlive()) {
                problems.add(helper.info().command().orElse("a network helper") + " exited with status " + helper.exitValue());
            }
        }
        return problems;
    }

    /** nft or the resolver inside the job's user and network namespaces, where the service user holds CAP_NET_ADMIN. */
    private ProcessBuilder inNamespaces(List<String> command) {
        List<String> full = new ArrayList<>(List.of(settings.nsenter().toString(), "--preserve-credentials",
                "--user=/proc/" + pid + "/ns/user", "--net=/proc/" + pid + "/ns/net", "--"));
        full.addAll(command);
        return new ProcessBuilder(full).redirectErrorStream(true);
    }

    private boolean hasDefaultRoute() {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/net/route")).stream().skip(1)
                    .map(line -> line.trim().split("\\s+")).anyMatch(fields -> fields.length > 2 && fields[1].equals("00000000"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Local addresses of the sockets in the job's namespace: bound UDP sockets, listening TCP ones. */
    private List<String> sockets(String protocol) {
        boolean udp = protocol.startsWith("udp");
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/net/" + protocol)).stream().skip(1).map(line -> line.trim().split("\\s+"))
                    .filter(fields -> fields.length > 3 && (udp || fields[3].equals(LISTEN))).map(fields -> fields[1]).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private void awaitOrFail(BooleanSupplier ready, Process helper, String problem) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETUP_LIMIT.toNanos();
        while (!ready.getAsBoolean()) {
            if (!helper.isAlive()) {
                throw new IOException(problem + ": " + String.join(" ", helper.info().arguments().map(List::of).orElse(List.of()))
                        + " exited with status " + helper.exitValue() + ": " + output(helper).strip());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(problem + " within " + SETUP_LIMIT.toSeconds() + " s");
            }
            Thread.sleep(5);
        }
    }

    private static String output(Process process) throws IOException {
        try (InputStream in = process.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Stops pasta and the resolver; the job's namespace, and with it the rules, goes when its last process does. */
    @Override
    public void close() {
        for (Process helper : helpers) {
            helper.destroy();
        }
        for (Process helper : helpers) {
            try {
                if (!helper.waitFor(2, TimeUnit.SECONDS)) {
                    helper.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                helper.destroyForcibly();
            }
        }
    }
}
