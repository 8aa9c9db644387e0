package mvpos.testing;

import java.util.ArrayList;
import java.util.List;

/** The processes one test started, ended together in its {@code @AfterEach} (last started, first ended). */
public final class Processes implements AutoCloseable {
    private final List<JavaProcess> started = new ArrayList<>();

    /** Keeps {@code process} to end it with the others; returns it. */
    public JavaProcess add(JavaProcess process) {
        started.add(process);
        return process;
    }

    /** The {@code i}-th process kept. */
    public JavaProcess get(int i) {
        return started.get(i);
    }

    /** Replaces the {@code i}-th process (a restart), keeping its place. */
    public JavaProcess set(int i, JavaProcess process) {
        started.set(i, process);
        return process;
    }

    @Override
    public void close() {
        for (JavaProcess process : started.reversed()) {
            process.close();
        }
        started.clear();
    }
}
