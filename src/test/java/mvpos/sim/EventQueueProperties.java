package mvpos.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The event queue runs events in order of (time, order scheduled), whatever the delays, including events
 * scheduled by running events (at the same instant or later), across several runs with a time limit or a
 * stop: the same order as a reference queue that sorts every event by (time, sequence).
 */
class EventQueueProperties {

    /** A plan: event i, when run, schedules its children with these delays (delays index into the list). */
    private record Plan(List<Integer> delays, List<Integer> fanOut) {
    }

    /** The reference: a priority queue of (time, sequence, id). */
    private static List<Integer> reference(Plan plan, List<Long> untils) {
        record Item(long time, long seq, int id) {
        }
        PriorityQueue<Item> queue = new PriorityQueue<>(Comparator.comparingLong(Item::time).thenComparingLong(Item::seq));
        long[] seq = {0};
        int[] nextId = {0};
        List<Integer> order = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 5; i++) {
            queue.add(new Item(plan.delays().get(nextId[0] % plan.delays().size()), seq[0]++, nextId[0]++));
        }
        for (long until : untils) {
            while (!queue.isEmpty()) {
                Item next = queue.peek();
                if (next.time() > until) {
                    now = until;
                    break;
                }
                queue.poll();
                now = next.time();
                order.add(next.id());
                int children = next.id() < 400 ? plan.fanOut().get(next.id() % plan.fanOut().size()) : 0;
                for (int c = 0; c < children; c++) {
                    queue.add(new Item(now + plan.delays().get(nextId[0] % plan.delays().size()), seq[0]++, nextId[0]++));
                }
            }
        }
        return order;
    }

    private static List<Integer> queued(Plan plan, List<Long> untils) throws Exception {
        EventQueue queue = new EventQueue(0, false);
        int[] nextId = {0};
        List<Integer> order = new ArrayList<>();
        class Scheduler {
            void add() {
                int id = nextId[0]++;
                queue.schedule(plan.delays().get(id % plan.delays().size()), () -> {
                    order.add(id);
                    int children = id < 400 ? plan.fanOut().get(id % plan.fanOut().size()) : 0;
                    for (int c = 0; c < children; c++) {
                        add();
                    }
                });
            }
        }
        Scheduler scheduler = new Scheduler();
        for (int i = 0; i < 5; i++) {
            scheduler.add();
        }
        for (long until : untils) {
            queue.run(until, () -> false);
        }
        assertThat(queue.executed()).isEqualTo(order.size());
        return order;
    }

    @Property(tries = 300)
    void eventsRunInOrderOfTimeThenScheduling(@ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 40) Integer> delays,
                                              @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 3) Integer> fanOut,
                                              @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 300) Integer> limits)
            throws Exception {
        Plan plan = new Plan(delays, fanOut);
        List<Long> untils = new ArrayList<>();
        long until = 0;
        for (int limit : limits) {
            until += limit;
            untils.add(until);
        }
        untils.add(Long.MAX_VALUE);
        assertThat(queued(plan, untils)).isEqualTo(reference(plan, untils));
    }

    @Property(tries = 100)
    void aRunStoppedMidInstantResumesWhereItStopped(@ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 5) Integer> delays,
                                                    @ForAll @IntRange(min = 1, max = 50) int stopAfter) throws Exception {
        EventQueue queue = new EventQueue(0, false);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int id = i;
            queue.schedule(delays.get(i % delays.size()), () -> order.add(id));
        }
        queue.run(Long.MAX_VALUE, () -> order.size() >= stopAfter);
        assertThat(order).hasSize(stopAfter);
        assertThat(queue.pending()).isEqualTo(100 - stopAfter);
        queue.run(Long.MAX_VALUE, () -> false);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        expected.sort(Comparator.comparingInt((Integer i) -> delays.get(i % delays.size())).thenComparingInt(i -> i));
        assertThat(order).isEqualTo(expected);
    }
}
