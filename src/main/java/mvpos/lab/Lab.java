package mvpos.lab;

import java.util.List;

/**
 * One attack lab in three acts: {@link #build} measures the mechanism working as designed,
 * {@link #attack} measures an adversary breaking it, {@link #improve} measures the defence. Each act
 * returns its sweep points, each a measurement over seeds beside the figure a published formula
 * predicts. A lab is one file; {@link Labs} lists them.
 */
public interface Lab {
    /** The name users type: {@code mvpos lab run NAME}. */
    String name();

    /** One line: what the lab shows. */
    String summary();

    /** The parameters it accepts, with their defaults. */
    List<LabParam> params();

    /** The parameter the chart puts on its x axis. */
    String xAxis();

    /** What the measured figure of an act is (the table's heading; the chart's title uses the attack's). */
    String measure(Point.Act act);

    /** How a student reads the model: what is simulated, and with what (real nodes or a focused model). */
    String model();

    List<Point> build(LabContext context) throws Exception;

    List<Point> attack(LabContext context) throws Exception;

    List<Point> improve(LabContext context) throws Exception;

    /** The lab's conclusion from its points: whether the attack helped and the defence removed the help. */
    Verdict verdict(List<Point> points);
}
