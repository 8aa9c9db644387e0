package mvpos.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link Scenario} from YAML and checks every value: an unknown key, a value of the wrong type
 * or out of range is a {@link ScenarioException} naming the key. Settings given as flags are applied to
 * the tree first ({@link #override}), so they are checked the same way.
 */
public final class ScenarioReader {
    public static final int MAX_NODES = 100_000;
    /** The engines whose nodes may run several validators each (a scenario with fewer nodes than validators). */
    static final List<String> HOSTING_ENGINES = List.of("pos", "poa");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("-?(?:[0-9]+(?:ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private ScenarioReader() {
    }

    /** Parses YAML text into a tree (an empty document is an empty scenario). */
    public static ObjectNode parse(String yaml) throws ScenarioException {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (java.io.IOException e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable");
            throw new ScenarioException("", "not valid YAML: " + message);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return YAML.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ScenarioException("", "a scenario is a mapping of keys to values");
        }
        return (ObjectNode) tree;
    }

    /** Reads and parses a scenario file ({@link #parse}); a missing or unreadable file is a scenario error. */
    public static ObjectNode parseFile(java.nio.file.Path file) throws ScenarioException {
        try {
            return parse(java.nio.file.Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ScenarioException("", "no such file");
        } catch (java.io.IOException e) {
            throw new ScenarioException("", "cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Sets {@code dottedKey} (such as {@code run.blocks}) to a flag's value, as text that YAML would read. */
    public static void override(ObjectNode tree, String dottedKey, String value) throws ScenarioException {
        String[] parts = dottedKey.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        JsonNode parsed;
        try {
            parsed = YAML.readTree(value);
        } catch (java.io.IOException e) {
            throw new ScenarioException(dottedKey, "cannot read '" + value + "'");
        }
        node.set(parts[parts.length - 1], parsed == null ? YAML.getNodeFactory().textNode(value) : parsed);
    }

    /** The scenario a tree describes, named {@code name} unless it names itself. */
    public static Scenario read(ObjectNode tree, String name) throws ScenarioException {
        Obj root = new Obj(tree, "");
        root.allow("name", "seed", "engine", "engineParams", "finality", "epoch", "slot", "nodes", "validators",
                "stake", "network", "run", "workload", "faults", "byzantine", "liveness", "powTick");
        String engine = root.string("engine", "pos");
        if (!mvpos.consensus.Engines.names().contains(engine)) {
            throw new ScenarioException("engine", "unknown engine '" + engine + "'; available: "
                    + String.join(", ", mvpos.consensus.Engines.names()));
        }
        Map<String, String> params = new TreeMap<>();
        Obj engineParams = root.object("engineParams");
        for (Iterator<Map.Entry<String, JsonNode>> it = engineParams.node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new ScenarioException(engineParams.key(e.getKey()), "must be a single value");
            }
            java.util.Set<String> accepted = new java.util.TreeSet<>(
                    mvpos.consensus.Engines.named(engine).parameters().keySet());
            if (!accepted.contains(e.getKey())) {
                throw new ScenarioException(engineParams.key(e.getKey()), "engine '" + engine + "' has no such parameter;"
                        + " accepted: " + String.join(", ", accepted));
            }
            params.put(e.getKey(), e.getValue().asText());
        }
        String finality = root.oneOf("finality", "none", "none", "ffg");
        long epoch = root.integer("epoch", 8, 1, 64);
        long slot = root.duration("slot", 1_000, 1, 3_600_000);
        int validators = (int) root.integer("validators", 4, 1, MAX_NODES);
        int nodes = (int) root.integer("nodes", validators, 1, MAX_NODES);
        if (nodes < validators && !HOSTING_ENGINES.contains(engine)) {
            throw new ScenarioException("nodes", "must be at least the number of validators (" + validators
                    + "), not " + nodes + ": only " + String.join(" and ", HOSTING_ENGINES)
                    + " run several validators on one node");
        }
        Scenario.Stakes stakes = stakes(root.object("stake"), validators);
        Scenario.NetworkSpec network = network(root.object("network"), nodes);
        Obj run = root.object("run");
        run.allow("blocks", "slots", "duration");
        Scenario.RunLength length = new Scenario.RunLength(run.integer("blocks", 0, 0, 10_000_000),
                run.integer("slots", 0, 0, 100_000_000), run.duration("duration", 0, 0, 365L * 86_400_000));
        if (length.blocks() == 0 && length.slots() == 0 && length.millis() == 0) {
            length = new Scenario.RunLength(20, 0, 0);
        }
        Obj workload = root.object("workload");
        workload.allow("tps");
        double tps = workload.number("tps", 0, 0, 10_000);
        List<Scenario.Fault> faults = faults(root, nodes);
        List<Integer> byzantine = new ArrayList<>();
        JsonNode byz = root.node.get("byzantine");
        if (byz != null && !byz.isNull()) {
            if (!byz.isArray()) {
                throw new ScenarioException("byzantine", "must be a list of validator indexes");
            }
            for (int i = 0; i < byz.size(); i++) {
                byzantine.add(index(byz.get(i), "byzantine[" + i + "]", validators, "validator"));
            }
            if (!byzantine.isEmpty() && nodes < validators) {
                throw new ScenarioException("byzantine", "needs a node for each validator (nodes at least "
                        + validators + ", not " + nodes + "): a byzantine validator bridges partitions as a node");
            }
        }
        long liveness = root.duration("liveness", 0, 0, 365L * 86_400_000);
        long powTick = root.duration("powTick", 0, 0, slot);
        if (powTick > 0 && slot / powTick > 100_000) {
            throw new ScenarioException("powTick", "at most 100000 ticks a slot; make it at least " + (slot / 100_000)
                    + "ms");
        }
        return new Scenario(root.string("name", name), root.integer("seed", 1, 0, Long.MAX_VALUE), engine, params,
                finality, epoch, slot, nodes, validators, stakes, network, length, tps, faults, byzantine, liveness,
                powTick);
    }

    private static Scenario.Stakes stakes(Obj stake, int validators) throws ScenarioException {
        String kind = stake.oneOf("distribution", "equal", "equal", "pareto", "explicit");
        switch (kind) {
            case "pareto" -> {
                stake.allow("distribution", "shape", "min");
                return new Scenario.ParetoStakes(stake.number("shape", 1.16, 0.1, 100), stake.integer("min", 1_000, 1,
                        1_000_000_000_000L));
            }
            case "explicit" -> {
                stake.allow("distribution", "amounts");
                JsonNode amounts = stake.node.get("amounts");
                if (amounts == null || !amounts.isArray()) {
                    throw new ScenarioException(stake.key("amounts"), "must be a list of one stake per validator");
                }
                if (amounts.size() != validators) {
                    throw new ScenarioException(stake.key("amounts"), "names " + amounts.size()
                            + " stakes for " + validators + " validators");
                }
                List<Long> list = new ArrayList<>();
                for (int i = 0; i < amounts.size(); i++) {
                    list.add(integerValue(amounts.get(i), stake.key("amounts") + "[" + i + "]", 0, 1_000_000_000_000L));
                }
                return new Scenario.ExplicitStakes(list);
            }
            default -> {
                stake.allow("distribution", "amount");
                return new Scenario.EqualStakes(stake.integer("amount", 1_000, 1, 1_000_000_000_000L));
            }
        }
    }

    private static Scenario.NetworkSpec network(Obj network, int nodes) throws ScenarioException {
        network.allow("topology", "latency", "bandwidth", "loss", "duplication", "reordering");
        Scenario.Topology topology;
        JsonNode t = network.node.get("topology");
        Obj top = t != null && t.isTextual() ? new Obj(YAML.createObjectNode().put("type", t.asText()),
                network.key("topology")) : network.object("topology");
        switch (top.oneOf("type", "full-mesh", "full-mesh", "random", "explicit")) {
            case "random" -> {
                top.allow("type", "outbound");
                topology = new Scenario.RandomGraph((int) top.integer("outbound", 8, 1, Math.max(1, nodes - 1)));
            }
            case "explicit" -> {
                top.allow("type", "links");
                JsonNode links = top.node.get("links");
                if (links == null || !links.isArray()) {
                    throw new ScenarioException(top.key("links"), "must be a list of [a, b] pairs of nodes");
                }
                List<List<Integer>> pairs = new ArrayList<>();
                for (int i = 0; i < links.size(); i++) {
                    String key = top.key("links") + "[" + i + "]";
                    JsonNode pair = links.get(i);
                    if (!pair.isArray() || pair.size() != 2) {
                        throw new ScenarioException(key, "must be a pair [a, b] of nodes");
                    }
                    pairs.add(List.of(index(pair.get(0), key, nodes, "node"), index(pair.get(1), key, nodes, "node")));
                }
                topology = new Scenario.ExplicitLinks(pairs);
            }
            default -> {
                top.allow("type");
                topology = new Scenario.FullMesh();
            }
        }
        Obj lat = network.object("latency");
        Scenario.Latency latency = switch (lat.oneOf("model", "uniform", "constant", "uniform", "lognormal", "regions")) {
            case "constant" -> {
                lat.allow("model", "millis");
                yield new Scenario.ConstantLatency(lat.duration("millis", 50, 0, 600_000));
            }
            case "lognormal" -> {
                lat.allow("model", "median", "sigma");
                yield new Scenario.LogNormalLatency(lat.duration("median", 50, 1, 600_000), lat.number("sigma", 0.5, 0, 5));
            }
            case "regions" -> {
                lat.allow("model");
                yield new Scenario.RegionLatency();
            }
            default -> {
                lat.allow("model", "min", "max");
                long min = lat.duration("min", 20, 0, 600_000);
                long max = lat.duration("max", Math.max(min, 30), 0, 600_000);
                if (max < min) {
                    throw new ScenarioException(lat.key("max"), "must be at least min (" + min + "ms)");
                }
                yield new Scenario.UniformLatency(min, max);
            }
        };
        return new Scenario.NetworkSpec(topology, latency, network.number("bandwidth", 0, 0, 1_000_000),
                network.number("loss", 0, 0, 0.99), network.number("duplication", 0, 0, 1),
                network.number("reordering", 0, 0, 1));
    }

    private static List<Scenario.Fault> faults(Obj root, int nodes) throws ScenarioException {
        JsonNode list = root.node.get("faults");
        List<Scenario.Fault> faults = new ArrayList<>();
        if (list == null || list.isNull()) {
            return faults;
        }
        if (!list.isArray()) {
            throw new ScenarioException("faults", "must be a list of faults");
        }
        for (int i = 0; i < list.size(); i++) {
            String key = "faults[" + i + "]";
            if (!list.get(i).isObject()) {
                throw new ScenarioException(key, "must be a mapping with a type");
            }
            Obj f = new Obj((ObjectNode) list.get(i), key);
            long day = 365L * 86_400_000;
            switch (f.oneOf("type", null, "partition", "crash", "join", "delay", "skew")) {
                case "partition" -> {
                    f.allow("type", "groups", "start", "heal");
                    JsonNode groups = f.node.get("groups");
                    if (groups == null || !groups.isArray() || groups.isEmpty()) {
                        throw new ScenarioException(f.key("groups"), "must be a list of groups, each a list of nodes");
                    }
                    List<List<Integer>> parsed = new ArrayList<>();
                    java.util.Set<Integer> seen = new java.util.HashSet<>();
                    for (int g = 0; g < groups.size(); g++) {
                        String gk = f.key("groups") + "[" + g + "]";
                        if (!groups.get(g).isArray()) {
                            throw new ScenarioException(gk, "must be a list of nodes");
                        }
                        List<Integer> members = new ArrayList<>();
                        for (JsonNode n : groups.get(g)) {
                            int node = index(n, gk, nodes, "node");
                            if (!seen.add(node)) {
                                throw new ScenarioException(gk, "node " + node + " is in two groups");
                            }
                            members.add(node);
                        }
                        parsed.add(members);
                    }
                    long start = f.duration("start", 0, 0, day);
                    long heal = f.duration("heal", 0, 0, day);
                    if (heal != 0 && heal <= start) {
                        throw new ScenarioException(f.key("heal"), "must come after start");
                    }
                    faults.add(new Scenario.Partition(parsed, start, heal));
                }
                case "crash" -> {
                    f.allow("type", "node", "at", "restart");
                    long at = f.duration("at", 0, 0, day);
                    long restart = f.duration("restart", 0, 0, day);
                    if (restart != 0 && restart <= at) {
                        throw new ScenarioException(f.key("restart"), "must come after at");
                    }
                    faults.add(new Scenario.Crash(f.node("node", nodes), at, restart));
                }
                case "join" -> {
                    f.allow("type", "node", "at");
                    faults.add(new Scenario.LateJoin(f.node("node", nodes), f.duration("at", 0, 1, day)));
                }
                case "delay" -> {
                    f.allow("type", "start", "end", "extra");
                    long start = f.duration("start", 0, 0, day);
                    long end = f.duration("end", 0, 1, day);
                    if (end <= start) {
                        throw new ScenarioException(f.key("end"), "must come after start");
                    }
                    faults.add(new Scenario.DelaySpike(start, end, f.duration("extra", 0, 1, 3_600_000)));
                }
                default -> {
                    f.allow("type", "node", "by");
                    faults.add(new Scenario.ClockSkew(f.node("node", nodes), f.duration("by", 0, -3_600_000, 3_600_000)));
                }
            }
        }
        return faults;
    }

    private static int index(JsonNode value, String key, int count, String what) throws ScenarioException {
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new ScenarioException(key, "must be a " + what + " index, not " + describe(value));
        }
        long n = value.asLong();
        if (n < 0 || n >= count) {
            throw new ScenarioException(key, "names " + what + " " + n + ", but there are " + count + " " + what
                    + "s (0 to " + (count - 1) + ")");
        }
        return (int) n;
    }

    private static long integerValue(JsonNode value, String key, long min, long max) throws ScenarioException {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ScenarioException(key, "must be a whole number, not " + describe(value));
        }
        long n = value.asLong();
        if (n < min || n > max) {
            throw new ScenarioException(key, "must be from " + min + " to " + max + ", not " + n);
        }
        return n;
    }

    private static String describe(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        return value.isTextual() ? "'" + value.asText() + "'" : value.isContainerNode() ? "a " + value.getNodeType()
                .toString().toLowerCase(java.util.Locale.ROOT) : value.toString();
    }

    /** Parses a duration written {@code 500ms}, {@code 2s}, {@code 1m30s} (a leading minus allowed) into ms. */
    public static long parseDuration(String text) {
        if (!DURATION.matcher(text).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 500ms, 2s, 1m or 1m30s");
        }
        long total = 0;
        Matcher part = DURATION_PART.matcher(text);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            long unit = switch (part.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            total = Math.addExact(total, Math.multiplyExact(amount, unit));
        }
        return text.startsWith("-") ? -total : total;
    }

    /** A mapping in the tree, with the dotted key that leads to it. */
    private record Obj(ObjectNode node, String path) {
        String key(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        void allow(String... names) throws ScenarioException {
            Set<String> allowed = Set.of(names);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw new ScenarioException(key(name), "unknown key; expected one of "
                            + String.join(", ", names));
                }
            }
        }

        Obj object(String name) throws ScenarioException {
            JsonNode child = node.get(name);
            if (child == null || child.isNull()) {
                return new Obj(YAML.createObjectNode(), key(name));
            }
            if (!child.isObject()) {
                throw new ScenarioException(key(name), "must be a mapping, not " + describe(child));
            }
            return new Obj((ObjectNode) child, key(name));
        }

        String string(String name, String otherwise) throws ScenarioException {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return otherwise;
            }
            if (!value.isValueNode() || value.isBoolean()) {
                throw new ScenarioException(key(name), "must be text, not " + describe(value));
            }
            return value.asText();
        }

        String oneOf(String name, String otherwise, String... choices) throws ScenarioException {
            String value = string(name, otherwise);
            if (value == null) {
                throw new ScenarioException(key(name), "missing; one of " + String.join(", ", choices));
            }
            if (!List.of(choices).contains(value)) {
                throw new ScenarioException(key(name), "'" + value + "' is not one of " + String.join(", ", choices));
            }
            return value;
        }

        long integer(String name, long otherwise, long min, long max) throws ScenarioException {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? otherwise : integerValue(value, key(name), min, max);
        }

        int node(String name, int nodes) throws ScenarioException {
            JsonNode value = node.get(name);
            if (value == null) {
                throw new ScenarioException(key(name), "missing; name a node from 0 to " + (nodes - 1));
            }
            return index(value, key(name), nodes, "node");
        }

        double number(String name, double otherwise, double min, double max) throws ScenarioException {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return otherwise;
            }
            if (!value.isNumber()) {
                throw new ScenarioException(key(name), "must be a number, not " + describe(value));
            }
            double n = value.asDouble();
            if (!(n >= min && n <= max)) {
                throw new ScenarioException(key(name), "must be from " + min + " to " + max + ", not " + value);
            }
            return n;
        }

        long duration(String name, long otherwise, long min, long max) throws ScenarioException {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                return otherwise;
            }
            if (!value.isTextual()) {
                throw new ScenarioException(key(name), "must be a duration like 500ms, 2s or 1m30s, not "
                        + describe(value));
            }
            long millis;
            try {
                millis = parseDuration(value.asText().strip());
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new ScenarioException(key(name), e instanceof ArithmeticException ? "too long a duration"
                        : e.getMessage());
            }
            if (millis < min || millis > max) {
                throw new ScenarioException(key(name), "must be from " + min + "ms to " + max + "ms, not "
                        + value.asText());
            }
            return millis;
        }
    }
}
