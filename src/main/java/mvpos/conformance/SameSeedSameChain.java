package mvpos.conformance;

import static mvpos.conformance.ConformanceFailure.expect;

import java.util.ArrayList;
import java.util.List;
import mvpos.sim.Devnet;

/** Determinism: the same seed gives the same chain, event for event; another seed another chain. */
final class SameSeedSameChain implements ConformanceCheck {
    @Override
    public String name() {
        return "determinism";
    }

    @Override
    public String description() {
        return "two runs with one seed give the same head events; a third seed gives another head";
    }

    @Override
    public void run(EngineUnderTest engine) throws Exception {
        List<Devnet.HeadEvent> first = new ArrayList<>();
        List<Devnet.HeadEvent> second = new ArrayList<>();
        List<Devnet.HeadEvent> other = new ArrayList<>();
        engine.devnet(5, first).run(15, 0);
        engine.devnet(5, second).run(15, 0);
        engine.devnet(6, other).run(15, 0);
        expect(!first.isEmpty() && first.equals(second), "two runs with seed 5 differ (the engine reads a clock or "
                + "randomness it was not given, or iterates a hash order)");
        expect(!other.get(other.size() - 1).hash().equals(first.get(first.size() - 1).hash()),
                "seeds 5 and 6 end on the same head: the seed does not reach the engine");
    }
}
