package mvpos.lobby;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import mvpos.chain.Clock;
import mvpos.consensus.StakeSampler;
import mvpos.crypto.Hex;
import mvpos.crypto.RandomSource;
import mvpos.crypto.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of the classic lobby: the tutorial's conversation (stake, then propose BPMs), its
 * stake-weighted lottery among the round's proposers, its slashing of malformed proposals, and its
 * announcements.
 *
 * <p>Not thread-safe by design: the transport calls every method from one thread (the lobby loop),
 * so the rules read like the tutorial's, without locks, and events are handled in the order they
 * arrived. Time and randomness are injected: with a seeded {@link RandomSource} the lottery and the
 * addresses are reproducible.
 */
public final class Lobby {
    public static final String BALANCE_PROMPT = "Enter token balance:";
    public static final String BPM_PROMPT = "Enter a new BPM:";
    public static final String WINNER_PREFIX = "winning validator: ";

    private static final Logger log = LoggerFactory.getLogger("mvpos.lobby");

    /** A connected client as the lobby sees it; the transport implements it. */
    public interface Client {
        /** Queues text for the client. */
        void send(String text);

        /**
         * Queues bytes shared with other clients (they must not be modified). With
         * {@code skipIfBehind}, a client that has not yet read what it was sent before is skipped,
         * and false is returned, so a stalled reader cannot make the server hold ever more data.
         */
        boolean sendShared(byte[] bytes, boolean skipIfBehind);

        /** Queues text, then closes the connection once it is written. */
        void sendAndClose(String text);

        /** Where the client connects from, for the log. */
        String remoteAddress();
    }

    /**
     * What a round decided: every candidate's stake, the winner and the appended block. A round is
     * numbered after the block it decides, so numbers follow the chain across restarts.
     */
    public record RoundResult(long round, Map<String, Long> candidateStakes, String winner, LobbyBlock block) {
    }

    private enum Phase { STAKING, PROPOSING }

    private static final class Participant {
        Phase phase = Phase.STAKING;
        String address;
        long stake;
    }

    private final Clock clock;
    private final RandomSource random;
    private final LobbyStore store;
    private final LobbyChain chain;
    private final ChainJson chainJson;
    private final int maxLineBytes;
    private final Map<Client, Participant> clients = new LinkedHashMap<>();
    private final Map<String, Participant> validators = new HashMap<>();
    private final Map<String, LobbyBlock> candidates = new LinkedHashMap<>();
    private final List<Consumer<RoundResult>> roundListeners = new CopyOnWriteArrayList<>();

    public Lobby(Clock clock, RandomSource random, LobbyStore store, LobbyChain chain, int maxLineBytes) {
        this.clock = clock;
        this.random = random;
        this.store = store;
        this.chain = chain;
        this.chainJson = new ChainJson(chain.blocks());
        this.maxLineBytes = maxLineBytes;
    }

    public void addRoundListener(Consumer<RoundResult> listener) {
        roundListeners.add(listener);
    }

    public void clientConnected(Client client) {
        clients.put(client, new Participant());
        client.send(BALANCE_PROMPT);
    }

    public void clientDisconnected(Client client) {
        Participant participant = clients.remove(client);
        if (participant != null && participant.address != null) {
            validators.remove(participant.address);
            candidates.remove(participant.address);
            log.info("validator {} left (stake {}); {} validators remain", participant.address, participant.stake,
                    validators.size());
        }
    }

    /**
     * A client's time to give its balance is over: if it has not registered, it is told so and closed
     * (a socket that never registers would hold a slot for ever). True when it was closed.
     */
    public boolean registrationTimedOut(Client client, String within) {
        Participant participant = clients.get(client);
        if (participant == null || participant.phase != Phase.STAKING) {
            return false;
        }
        clients.remove(client);
        client.sendAndClose("\nerror: no token balance within " + within + "; connection closed\n");
        return true;
    }

    /** One line from a client, without its line terminator. */
    public void lineReceived(Client client, String rawLine) {
        Participant participant = clients.get(client);
        if (participant == null) {
            return; // slashed or gone: the rest of what it sent is ignored
        }
        String line = rawLine.strip();
        switch (participant.phase) {
            case STAKING -> register(client, participant, line);
            case PROPOSING -> propose(client, participant, line);
        }
    }

    /** A client sent a line longer than the limit; it was discarded without being buffered. */
    public void lineTooLong(Client client) {
        Participant participant = clients.get(client);
        if (participant != null) {
            client.send("\nerror: line longer than " + maxLineBytes + " bytes refused\n" + promptFor(participant));
        }
    }

    private void register(Client client, Participant participant, String line) {
        if (line.isEmpty()) {
            client.send(BALANCE_PROMPT);
            return;
        }
        long stake;
        try {
            stake = parseBalance(line);
        } catch (IllegalArgumentException e) {
            client.send("error: " + e.getMessage() + "\n" + BALANCE_PROMPT);
            return;
        }
        participant.address = newAddress();
        participant.stake = stake;
        participant.phase = Phase.PROPOSING;
        validators.put(participant.address, participant);
        client.send("your validator address: " + participant.address + " (stake " + stake + ")\n" + BPM_PROMPT);
        log.info("validator {} joined with stake {} from {}; {} validators", participant.address, stake,
                client.remoteAddress(), validators.size());
    }

    private void propose(Client client, Participant participant, String line) {
        if (line.isEmpty()) {
            client.send(BPM_PROMPT);
            return;
        }
        if (!isWholeNumber(line)) {
            slash(client, participant, line);
            return;
        }
        int bpm;
        try {
            bpm = Integer.parseInt(line);
        } catch (NumberFormatException e) {
            client.send("error: a BPM must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + "\n"
                    + BPM_PROMPT);
            return;
        }
        LobbyBlock candidate = chain.propose(clock.millis(), bpm, participant.address);
        candidates.put(participant.address, candidate);
        client.send("proposed block " + candidate.index() + " with BPM " + bpm + " for round " + currentRound() + "\n"
                + BPM_PROMPT);
    }

    private void slash(Client client, Participant participant, String badBpm) {
        clients.remove(client);
        validators.remove(participant.address);
        candidates.remove(participant.address);
        client.sendAndClose("slashed: '" + shorten(badBpm) + "' is not a BPM (a whole number); validator "
                + participant.address + " is removed from the validator set and its stake of " + participant.stake
                + " is forfeited\n");
        log.warn("validator {} slashed for the malformed BPM '{}'; stake {} forfeited; {} validators remain",
                participant.address, shorten(badBpm), participant.stake, validators.size());
    }

    /**
     * Ends a round: one of the validators that proposed in it wins with probability proportional
     * to its stake; its block is stored, appended and announced to every connected client. The
     * other candidates are discarded. A round without proposals does nothing.
     */
    public void endRound() {
        long round = currentRound();
        if (candidates.isEmpty()) {
            return;
        }
        List<String> proposers = new ArrayList<>(candidates.keySet());
        long[] stakes = new long[proposers.size()];
        Map<String, Long> candidateStakes = new LinkedHashMap<>();
        for (int i = 0; i < stakes.length; i++) {
            stakes[i] = validators.get(proposers.get(i)).stake;
            candidateStakes.put(proposers.get(i), stakes[i]);
        }
        StakeSampler sampler = StakeSampler.of(stakes);
        String winner = proposers.get(sampler.selectProposer(random));
        LobbyBlock block = candidates.get(winner);
        candidates.clear();

        Optional<String> problem = LobbyChain.checkLink(chain.head(), block);
        if (problem.isPresent()) {
            log.error("round {}: the winning block was not appended: {}", round, problem.get());
            return;
        }
        try {
            store.append(block);
            chain.append(block);
        } catch (LobbyStore.StoreException | InvalidChainException e) {
            log.error("round {}: the winning block was not appended: {}", round, e.getMessage());
            return;
        }
        chainJson.append(block);
        log.info("round {}: validator {} won (stake {} of {} proposed by {} validators); block {} BPM {} hash {}",
                round, winner, validators.get(winner).stake, sampler.totalStake(), stakes.length, block.index(), block.bpm(),
                block.hash());
        byte[] announcement = ("\n" + WINNER_PREFIX + winner + "\n").getBytes(StandardCharsets.UTF_8);
        for (Client client : clients.keySet()) {
            client.sendShared(announcement, false);
        }
        RoundResult result = new RoundResult(round, candidateStakes, winner, block);
        roundListeners.forEach(listener -> listener.accept(result));
    }

    /** Sends the whole chain, as one line of JSON, to every validator that is keeping up. */
    public void broadcastChain() {
        byte[] line = chainJson.line();
        int sent = 0;
        int skipped = 0;
        for (Map.Entry<Client, Participant> entry : clients.entrySet()) {
            if (entry.getValue().phase == Phase.PROPOSING) {
                if (entry.getKey().sendShared(line, true)) {
                    sent++;
                } else {
                    skipped++;
                }
            }
        }
        if (sent + skipped > 0) {
            log.info("chain of {} blocks sent to {} validators{}", chain.size(), sent,
                    skipped == 0 ? "" : " (" + skipped + " still reading the previous one were skipped)");
        }
    }

    public int validatorCount() {
        return validators.size();
    }

    public int clientCount() {
        return clients.size();
    }

    public List<LobbyBlock> blocks() {
        return List.copyOf(chain.blocks());
    }

    /**
     * Parses a token balance: a whole number from 1 to 2^63-1.
     *
     * @throws IllegalArgumentException with a message for the person who typed it
     */
    public static long parseBalance(String text) {
        if (!isWholeNumber(text)) {
            throw new IllegalArgumentException("'" + shorten(text) + "' is not a whole number; enter a token balance"
                    + " from 1 to " + Long.MAX_VALUE);
        }
        if (text.startsWith("-")) {
            throw new IllegalArgumentException("the balance must be at least 1");
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the balance must be at most " + Long.MAX_VALUE);
        }
        if (value < 1) {
            throw new IllegalArgumentException("the balance must be at least 1");
        }
        return value;
    }

    /** The round being played: the one that decides the block after the head. */
    public long currentRound() {
        return chain.head().index() + 1;
    }

    /**
     * A whole number as a person types it: an optional sign and ASCII digits (other scripts' digits
     * are not taken, for a balance or a BPM alike).
     */
    static boolean isWholeNumber(String text) {
        return text.matches("[+-]?[0-9]+");
    }

    private String newAddress() {
        byte[] entropy = new byte[32];
        random.nextBytes(entropy);
        return Hex.encode(Sha256.hash(entropy));
    }

    private static String promptFor(Participant participant) {
        return participant.phase == Phase.STAKING ? BALANCE_PROMPT : BPM_PROMPT;
    }

    /** Input echoed back in a message: at most 40 characters, control characters replaced. */
    private static String shorten(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
