package mvpos.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts of their own for network tests: one Linux network namespace per host, each with an
 * {@code eth0} at 10.77.0.(i+1)/24, plugged into a switch that lives in a namespace of its own (the
 * "hub", two bridges {@code brA} and {@code brB}). Every host starts on {@code brA}; {@link #partition}
 * moves some hosts' ports to {@code brB}, so the two groups no longer reach each other (packets are
 * dropped, connections are not reset: what a cut cable does), and {@link #heal} moves them back.
 *
 * <p>Nothing touches the machine's own network namespace: the namespaces, links and addresses are the
 * lab's own, named {@code mvpos-<pid>-...}, and are deleted on {@link #close()} (and those of earlier
 * test JVMs that died without cleaning up, found by their pid). Needs root and iproute2's {@code ip}.
 */
final class NetnsLab implements AutoCloseable {
    private static final Pattern OURS = Pattern.compile("^(mvpos-(\\d+)-\\S+)");

    private final String prefix = "mvpos-" + ProcessHandle.current().pid() + "-";
    private final int hosts;
    private final List<String> created = new ArrayList<>();
    private final Thread cleanupAtExit = new Thread(this::deleteNamespaces, "netns-lab-cleanup");

    private NetnsLab(int hosts) {
        this.hosts = hosts;
    }

    /** Why this machine cannot run the lab, or null when it can. */
    static String unavailableBecause() {
        try {
            Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
                return "'ip netns list' failed: " + out.strip();
            }
        } catch (IOException e) {
            return "iproute2's 'ip' is not installed (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            id.waitFor(10, TimeUnit.SECONDS);
            return uid.equals("0") ? null : "network namespaces need root; the tests run as uid " + uid;
        } catch (IOException e) {
            return "cannot tell the user id: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Creates {@code hosts} namespaces on one switch. */
    static NetnsLab create(int hosts) throws IOException, InterruptedException {
        deleteOrphans();
        NetnsLab lab = new NetnsLab(hosts);
        Runtime.getRuntime().addShutdownHook(lab.cleanupAtExit);
        try {
            lab.build();
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() throws IOException, InterruptedException {
        String hub = hub();
        addNamespace(hub);
        for (String bridge : List.of("brA", "brB")) {
            ip("-n", hub, "link", "add", bridge, "type", "bridge");
            ip("-n", hub, "link", "set", bridge, "up");
        }
        for (int i = 0; i < hosts; i++) {
            String host = namespace(i);
            addNamespace(host);
            ip("-n", hub, "link", "add", port(i), "type", "veth", "peer", "name", "eth0", "netns", host);
            ip("-n", hub, "link", "set", port(i), "master", "brA");
            ip("-n", hub, "link", "set", port(i), "up");
            ip("-n", host, "addr", "add", address(i) + "/24", "dev", "eth0");
            ip("-n", host, "link", "set", "eth0", "up");
            ip("-n", host, "link", "set", "lo", "up");
        }
    }

    /** The namespace of host {@code i}. */
    String namespace(int i) {
        return prefix + "h" + i;
    }

    /** The address of host {@code i} on the lab's network. */
    static String address(int i) {
        return "10.77.0." + (i + 1);
    }

    private String hub() {
        return prefix + "hub";
    }

    private static String port(int i) {
        return "p" + i;
    }

    /** A command line that runs {@code command} on host {@code i}. */
    List<String> onHost(int i, List<String> command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
        line.addAll(command);
        return line;
    }

    /** Cuts {@code group} off from the other hosts (each side still reaches its own members). */
    void partition(List<Integer> group) throws IOException, InterruptedException {
        for (int i : group) {
            ip("-n", hub(), "link", "set", port(i), "master", "brB");
        }
    }

    /** Puts every host back on one switch. */
    void heal() throws IOException, InterruptedException {
        for (int i = 0; i < hosts; i++) {
            ip("-n", hub(), "link", "set", port(i), "master", "brA");
        }
    }

    /** Runs {@code command} on host {@code i} and returns its standard output, or null if it failed. */
    String run(int i, List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(onHost(i, command)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return null;
        }
        return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    }

    private void addNamespace(String name) throws IOException, InterruptedException {
        ip("netns", "add", name);
        created.add(name);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    /** Namespaces of lab JVMs that are gone (killed before they could clean up). */
    private static void deleteOrphans() throws IOException, InterruptedException {
        Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor(10, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
            Matcher m = OURS.matcher(line.strip());
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                deleteNamespace(m.group(1));
            }
        }
    }

    /** {@code ip netns del}, whatever it says (a namespace already gone is fine). */
    private static void deleteNamespace(String name) throws IOException, InterruptedException {
        new ProcessBuilder("ip", "netns", "del", name).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    private synchronized void deleteNamespaces() {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                deleteNamespace(created.get(i));
            } catch (IOException e) {
                // best effort: an orphan is deleted by the next lab
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        created.clear();
    }

    /** Deletes the namespaces (end the processes running in them first). */
    @Override
    public void close() {
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
