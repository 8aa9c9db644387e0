package mvpos.lab;

/**
 * A lab's conclusion: {@code holds} when every predicted direction was measured (the attack moves the
 * measure the way theory says, the defence removes the gain) and the points agree with theory.
 */
public record Verdict(boolean holds, String text) {
}
