package mvpos.lab;

import java.util.List;
import java.util.Optional;

/** Every lab, in the order {@code mvpos lab list} shows them. */
public final class Labs {
    private Labs() {
    }

    public static List<Lab> all() {
        return List.of(new DoubleSpendLab(), new DoubleSpendDevnetLab(), new SelfishMiningLab(),
                new SelfishMiningDevnetLab(), new FinalityStallLab(), new FinalityAttackLab(), new GrindingLab(),
                new LotteryLab(), new RandaoBiasLab(), new NothingAtStakeLab(), new EclipseLab(), new EclipseDevnetLab(),
                new LongRangeLab());
    }

    public static Optional<Lab> named(String name) {
        return all().stream().filter(lab -> lab.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return all().stream().map(Lab::name).toList();
    }
}
