package mvpos.lab;

import java.util.ArrayList;
import java.util.List;

/** A lab's run: its parameters, its points act by act, and its verdict. */
public record LabResult(Lab lab, LabParams params, int seeds, long seed, List<Point> points, Verdict verdict) {

    /** Runs the three acts of {@code lab} in order and judges them. */
    public static LabResult run(Lab lab, LabParams params, int seeds, long seed) throws Exception {
        LabContext context = new LabContext(params, seeds, seed);
        List<Point> points = new ArrayList<>();
        points.addAll(lab.build(context));
        points.addAll(lab.attack(context));
        points.addAll(lab.improve(context));
        return new LabResult(lab, params, seeds, seed, List.copyOf(points), lab.verdict(points));
    }

    public List<Point> act(Point.Act act) {
        return points.stream().filter(p -> p.act() == act).toList();
    }
}
