package io.pgq.ticker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChangeWatchTest {

    @Test
    void unchangedOnlyWhenNoOtherTransactionStartedOrEnded() {
        ChangeWatch w = new ChangeWatch();
        assertThat(w.unchanged("100:105:100,102")).as("before any pass").isFalse();

        w.passed("100:105:100,102", null);                       // a pass that wrote nothing
        assertThat(w.unchanged("100:105:100,102")).isTrue();
        assertThat(w.unchanged("100:106:100,102")).as("another transaction got an xid").isFalse();
        assertThat(w.unchanged("100:105:100")).as("a transaction ended").isFalse();

        w.passed("100:105:100,102", 105L);                       // a pass that ticked (xid 105)
        assertThat(w.unchanged("100:106:100,102")).as("only the pass's own commit").isTrue();
        assertThat(w.unchanged("100:107:100,102")).as("one more transaction").isFalse();

        w.passed("100:105:100,102", 106L);                       // someone else took 105
        assertThat(w.unchanged("100:107:100,102")).isFalse();

        w.reset();
        assertThat(w.unchanged("100:105:100,102")).isFalse();
    }

    @Test
    void aRenewalOfTheTickersOwnBecomesTheReferenceOnlyWhenNothingElseHappened() {
        ChangeWatch w = new ChangeWatch();
        assertThat(w.rebase("100:105:100", 105L)).as("before any pass").isFalse();

        w.passed("100:105:100", null);
        assertThat(w.rebase("100:105:100", 105L)).as("renewal started from the pass's snapshot").isTrue();
        assertThat(w.unchanged("100:106:100")).as("the renewal's own commit is no change").isTrue();
        assertThat(w.unchanged("100:107:100")).as("one more transaction").isFalse();

        w.passed("100:105:100", null);
        assertThat(w.rebase("100:106:100", 106L)).as("someone took 105 before the renewal").isFalse();
        assertThat(w.unchanged("100:105:100")).as("the reference stays the pass's").isTrue();
    }
}
